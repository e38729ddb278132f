import Foundation
import IPG
import Query

/// What the REPL offers on Tab: dot commands at the start of a line, then saved-query names,
/// formats and switches after the commands that take them; inside a query, layer indices after
/// `layer`, quoted tags after `tag =`, `$parameters`, keywords and column names.
struct ReplCompletion {
    var catalog: Catalog
    var savedQueries: [String]
    var parameters: [String]

    /// Completions of `word`, the text before the cursor back to the last word break, given
    /// `before`, the rest of the line in front of it.
    func candidates(before: String, word: String) -> [String] {
        let words = before.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        let options: [String]
        if let command = words.first, command.hasPrefix(".") {
            options = words.count == 1 ? argumentsOf(command: command) : []
        } else if words.isEmpty && word.hasPrefix(".") {
            options = ReplSession.dotCommands.map(\.name)
        } else if word.hasPrefix("$") {
            options = parameters.map { "$" + $0 }
        } else {
            options = queryWords(after: before)
        }
        return options.filter { $0.lowercased().hasPrefix(word.lowercased()) }
    }

    private func argumentsOf(command: String) -> [String] {
        switch command {
        case ".saved": return savedQueries
        case ".format": return QueryOutputFormat.allCases.map(\.rawValue)
        case ".explain", ".timer": return ["on", "off"]
        case ".params": return ["clear"] + parameters.map { $0 + "=" }
        default: return []
        }
    }

    private func queryWords(after before: String) -> [String] {
        let trimmed = before.trimmingCharacters(in: .whitespaces).lowercased()
        if trimmed.hasSuffix("layer") {
            let counts = catalog.models.map(\.layers.count)
            return (0..<(counts.max() ?? 0)).map(String.init)
        }
        let comparesTag = ["tag =", "tag=", "tag !=", "tag!=", "parent_tag =", "parent_tag="].contains { trimmed.hasSuffix($0) }
        if comparesTag { return catalog.tags.map { "'\($0)'" } }
        if trimmed.isEmpty { return ["from"] }
        return Vocabulary.keywords + Vocabulary.names
    }
}
