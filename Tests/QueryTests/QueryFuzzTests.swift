import Foundation
import IPG
import Query
import Testing

/// Mutated valid queries (the saved queries and the guide's examples): every case either
/// compiles, to SQL with one placeholder per argument, or fails with diagnostics whose codes are
/// registered, whose spans lie inside the text, and which render pointing at the line and
/// column they name. Seeded, so every run checks the same cases.
@Suite struct QueryFuzzTests {
    static let catalog = Catalog(
        models: [Catalog.Model(fingerprint: "ef56", name: "mlp", layers: LineageBoundsTests.catalog.models[0].layers)],
        tags: ["clean", "fgsm"])
    static let cases = 3000
    static let oddValues: [CompiledQuery.Argument] = [.integer(-1), .integer(0), .integer(2), .integer(Int.max), .number(1.5), .number(.infinity), .string("x")]

    /// The saved queries (whole files, headers included) and the guide's example queries.
    static func seeds() throws -> (saved: [String], guide: [String]) {
        let repository = DiagnosticCodeTests.repository
        let folder = repository.appendingPathComponent("Queries")
        let saved = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".dpq") }.sorted()
            .map { try String(contentsOf: folder.appendingPathComponent($0), encoding: .utf8) }
        let guide = try String(contentsOf: folder.appendingPathComponent("README.md"), encoding: .utf8)
        let parts = guide.components(separatedBy: "```").enumerated()
        let blocks = parts.filter { $0.offset % 2 == 1 }.map(\.element)
        let prose = parts.filter { $0.offset % 2 == 0 }.map(\.element).joined(separator: "\n")
        // Inline examples: whole queries, and stages (templates among them) after `from traces`.
        let inline = prose.components(separatedBy: "`").enumerated().filter { $0.offset % 2 == 1 }.map(\.element)
            .filter { $0.hasPrefix("from traces") || $0.hasPrefix("| ") }
            .map { ($0.hasPrefix("|") ? "from traces " : "") + $0.replacingOccurrences(of: "\n", with: " ") }
        return (saved, blocks.filter { $0.contains("from traces") } + inline)
    }

    @Test func theSeedsAreValidQueries() throws {
        let (saved, guide) = try Self.seeds()
        #expect(saved.count >= 10 && guide.count >= 20)
        for text in saved { #expect(throws: Never.self) { try QueryCompiler.compile(SourceText(text), catalog: Self.catalog).get() } }
        let compiling = guide.filter { (try? QueryCompiler.compile(SourceText($0), catalog: Self.catalog).get()) != nil }
        #expect(compiling.count >= 4, "the guide's examples: \(guide)")
    }

    @Test func everyMutationCompilesOrPointsInsideTheText() throws {
        let (saved, guide) = try Self.seeds()
        let seeds = saved + guide
        var mutator = QueryMutator(seed: 20_261_204, seeds: seeds)
        var compiled = 0, codes = Set<DiagnosticCode>(), failures: [String] = []
        for round in 0..<Self.cases {
            let text = mutator.mutate(seeds[round % seeds.count])
            let source = SourceText(text, name: "fuzz.dpq")
            switch QueryCompiler.compile(source, catalog: Self.catalog) {
            case .success(let query):
                compiled += 1
                failures += Self.problems(of: query, in: text)
                let values = Dictionary(uniqueKeysWithValues: query.parameterNames.map { ($0, Self.oddValues[mutator.next(Self.oddValues.count)]) })
                for diagnostic in query.problems(withParameters: values) {
                    codes.insert(diagnostic.code)
                    failures += Self.problems(of: diagnostic, in: source)
                }
            case .failure(let list):
                for diagnostic in list.diagnostics {
                    codes.insert(diagnostic.code)
                    failures += Self.problems(of: diagnostic, in: source)
                }
            }
        }
        #expect(failures.isEmpty, "\(failures.count) problems, first: \(failures.prefix(5))")
        // The mutations reach both outcomes and many kinds of diagnostics.
        #expect(compiled > Self.cases / 50 && compiled < Self.cases / 2, "\(compiled) of \(Self.cases) compiled")
        #expect(codes.count >= 20, "codes reached: \(codes.map(\.rawValue).sorted())")
    }

    /// What is wrong with a compiled query: a placeholder count other than its arguments', or
    /// a parameter the text does not name.
    static func problems(of query: CompiledQuery, in text: String) -> [String] {
        var found: [String] = []
        if query.sql.filter({ $0 == "?" }).count != query.arguments.count { found.append("placeholders ≠ arguments: \(text)") }
        for name in query.parameterNames where !text.contains("$" + name) { found.append("parameter $\(name) not in: \(text)") }
        if query.columns.isEmpty { found.append("no columns: \(text)") }
        return found
    }

    /// What is wrong with a diagnostic: a span outside the text, a message of several lines,
    /// or a rendering that does not name and show the line and column the span starts at.
    static func problems(of diagnostic: Diagnostic, in source: SourceText) -> [String] {
        let scalars = Array(source.text.unicodeScalars), span = diagnostic.span
        guard 0 <= span.start, span.start <= span.end, span.end <= scalars.count else {
            return ["\(diagnostic.code.rawValue) span \(span) outside 0…\(scalars.count): \(source.text)"]
        }
        guard !diagnostic.message.isEmpty, !diagnostic.message.unicodeScalars.contains("\n") else { return ["message '\(diagnostic.message)'"] }
        let lineStart = scalars[..<span.start].lastIndex(of: "\n").map { $0 + 1 } ?? 0
        let line = scalars[..<span.start].filter { $0 == "\n" }.count + 1, column = span.start - lineStart + 1
        var lineText = String.UnicodeScalarView()
        lineText.append(contentsOf: scalars[lineStart...].prefix { $0 != "\n" })
        let rendered = diagnostic.render(in: source).unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map { String(String.UnicodeScalarView($0)) }
        let expected = [
            "fuzz.dpq:\(line):\(column): error[\(diagnostic.code.rawValue)]: \(diagnostic.message)",
            "  " + String(lineText),
        ]
        guard rendered.count >= 4, Array(rendered.prefix(2)) == expected,
              rendered[2].hasPrefix("  " + String(repeating: " ", count: column - 1) + "^"),
              rendered[2].dropFirst(column + 2).allSatisfy({ $0 == "~" }) else {
            return ["rendering of \(diagnostic) is not \(expected): \(rendered)"]
        }
        return []
    }
}
