import Foundation
import Query

/// Where saved queries come from: the folder `$DEEPPROV_QUERIES` names, else `./Queries`,
/// else the copy of the repository's `Queries/` this build carries (`scripts/embed-resources`).
public struct SavedQueryLibrary: Sendable {
    /// The folder read, or nil for the embedded copy.
    public let folder: URL?

    public init(folder: URL?) {
        self.folder = folder
    }

    /// The library the environment and the working directory choose.
    public init() {
        if let path = ProcessInfo.processInfo.environment["DEEPPROV_QUERIES"] {
            folder = URL(fileURLWithPath: path)
        } else if FileManager.default.fileExists(atPath: "Queries") {
            folder = URL(fileURLWithPath: "Queries")
        } else {
            folder = nil
        }
    }

    /// Every saved query, by name.
    public func all() throws -> [SavedQuery] {
        try files().map { try load($0.text, file: $0.path) }
    }

    /// The saved query called `name`; a missing one fails with the nearest name.
    public func named(_ name: String) throws -> SavedQuery {
        guard let file = try files().first(where: { ($0.path as NSString).lastPathComponent == "\(name).dpq" }) else {
            let known = try all().map(\.name)
            throw QueryFailure.noSavedQuery(name: name, suggestion: NameSuggestion.nearest(to: name, in: known), known: known)
        }
        return try load(file.text, file: file.path)
    }

    /// The `.dpq` files, sorted by name, with their text.
    private func files() throws -> [(path: String, text: String)] {
        guard let folder else { return embeddedSavedQueries.map { ("<built-in>/\($0.file)", $0.text) } }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return try names.filter { $0.hasSuffix(".dpq") }.sorted().map { name in
            let url = folder.appendingPathComponent(name)
            return (url.path, try String(contentsOf: url, encoding: .utf8))
        }
    }

    private func load(_ text: String, file: String) throws -> SavedQuery {
        do {
            return try SavedQuery(text: text, file: file)
        } catch {
            throw QueryFailure.malformedSavedQuery(file: file, message: error.message)
        }
    }
}
