import Foundation
import Query
import Testing

/// One registry of diagnostic codes: each code unique, used through the registry only, used
/// at all, and explained in the language guide.
@Suite struct DiagnosticCodeTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let registryFile = "Sources/Query/Diagnostics/DiagnosticCode.swift"

    /// Every `.swift` file of the Query module, relative path and text.
    static func querySources() throws -> [(path: String, text: String)] {
        let root = repository.appendingPathComponent("Sources/Query")
        let files = FileManager.default.enumerator(atPath: root.path)?.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") } ?? []
        return try files.sorted().map { ("Sources/Query/\($0)", try String(contentsOf: root.appendingPathComponent($0), encoding: .utf8)) }
    }

    static func codes(in text: String) -> [String] {
        let pattern = try! NSRegularExpression(pattern: "\\bE[0-9]{3}\\b")
        return pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)).map { String(text[Range($0.range, in: text)!]) }
    }

    @Test func codesAreUniqueAndWellFormed() {
        let raw = DiagnosticCode.allCases.map(\.rawValue)
        #expect(Set(raw).count == raw.count)
        #expect(raw.allSatisfy { $0.count == 4 && $0.hasPrefix("E") && Int($0.dropFirst()) != nil })
        #expect(raw == raw.sorted(), "listed in order, so a gap or a clash shows")
    }

    @Test func sourcesUseTheRegistryAndEveryCodeIsUsed() throws {
        let sources = try Self.querySources()
        #expect(sources.count > 10)
        let registry = try #require(sources.first { $0.path == Self.registryFile })
        #expect(Set(Self.codes(in: registry.text)) == Set(DiagnosticCode.allCases.map(\.rawValue)))
        let others = sources.filter { $0.path != Self.registryFile }
        for file in others {
            let code = file.text.components(separatedBy: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("//") }.joined(separator: "\n")
            #expect(Self.codes(in: code).isEmpty, "\(file.path) spells a code instead of naming it in DiagnosticCode")
        }
        let everything = others.map(\.text).joined()
        for code in DiagnosticCode.allCases {
            #expect(everything.contains("code: .\(code)") || everything.contains("(.\(code),"), "\(code.rawValue) (\(code)) is never given")
        }
    }

    @Test func theGuideExplainsEveryCode() throws {
        let guide = try String(contentsOf: Self.repository.appendingPathComponent("Queries/README.md"), encoding: .utf8)
        let section = try #require(guide.components(separatedBy: "\n## Diagnostics\n").dropFirst().first)
        let rows = section.components(separatedBy: "\n").filter { $0.hasPrefix("| `E") }
        #expect(rows.map { String($0.dropFirst(3).prefix(4)) } == DiagnosticCode.allCases.map(\.rawValue), "one row per code, in order")
        #expect(rows.allSatisfy { $0.count > 20 }, "each row explains its code")
        #expect(Set(Self.codes(in: guide)).isSubset(of: Set(DiagnosticCode.allCases.map(\.rawValue))), "the guide names only registered codes")
    }
}
