import ArgumentParser
import Foundation
import Query

/// Where saved queries live: `$DEEPPROV_QUERIES`, else `./Queries`, else the repository's
/// `Queries/` (for development builds).
struct SavedQueryLibrary {
    var folder: URL {
        if let path = ProcessInfo.processInfo.environment["DEEPPROV_QUERIES"] { return URL(fileURLWithPath: path) }
        let local = URL(fileURLWithPath: "Queries")
        if FileManager.default.fileExists(atPath: local.path) { return local }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Queries")
    }

    func all() throws -> [SavedQuery] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return try names.filter { $0.hasSuffix(".dpq") }.sorted().map { try load(folder.appendingPathComponent($0)) }
    }

    func named(_ name: String) throws -> SavedQuery {
        let url = folder.appendingPathComponent("\(name).dpq")
        guard FileManager.default.fileExists(atPath: url.path) else {
            let known = try all().map(\.name)
            let hint = NameSuggestion.nearest(to: name, in: known).map { "; did you mean '\($0)'?" } ?? ""
            throw ValidationError("no saved query '\(name)'\(hint) (saved: \(known.joined(separator: ", ")))")
        }
        return try load(url)
    }

    private func load(_ url: URL) throws -> SavedQuery {
        do {
            return try SavedQuery(text: String(contentsOf: url, encoding: .utf8), file: url.path)
        } catch let diagnostic as Diagnostic {
            throw ValidationError(diagnostic.message)
        }
    }
}
