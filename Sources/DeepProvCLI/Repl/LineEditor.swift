import CEdit
import Foundation

/// Reads the REPL's lines: with libedit (line editing, persistent history, Tab completion)
/// when standard input is a terminal, else plain lines from standard input (scripts, pipes).
final class LineEditor {
    private let historyFile: String?
    let interactive: Bool

    /// `complete(before, word)` gives the Tab completions of `word`.
    init(historyFile: String?, complete: @escaping (String, String) -> [String]) {
        self.historyFile = historyFile
        interactive = isatty(STDIN_FILENO) == 1
        guard interactive else { return }
        completionSource = complete
        // Quotes start a word, so `tag = 'cl<Tab>` completes the quoted tag.
        deepprov_edit_configure(strdup("deepprov"), strdup(" \t\n|,()=<>!"), attemptCompletion)
        stifle_history(1000)
        if let historyFile { read_history(historyFile) }
    }

    /// The next line, or nil at the end of input (Ctrl-D).
    func readLine(prompt: String) -> String? {
        guard interactive else { return Swift.readLine(strippingNewline: true) }
        guard let pointer = readline(prompt) else { return nil }
        defer { free(pointer) }
        return String(cString: pointer)
    }

    /// Records a submitted input (one entry, even when it spans lines) and saves the history.
    func remember(_ entry: String) {
        guard interactive, !entry.trimmingCharacters(in: .whitespaces).isEmpty else { return }
        add_history(entry)
        if let historyFile { write_history(historyFile) }
    }
}

// libedit calls back through C function pointers, which cannot capture context: the REPL's one
// completion source and the matches being handed out live here. Only libedit's thread touches them.
nonisolated(unsafe) private var completionSource: ((String, String) -> [String])?
nonisolated(unsafe) private var completionMatches: [String] = []

private func attemptCompletion(_ text: UnsafePointer<CChar>?, _ start: Int32, _ end: Int32) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
    let line = deepprov_edit_line_buffer().map { String(cString: $0) } ?? ""
    let before = String(decoding: line.utf8.prefix(Int(start)), as: UTF8.self)
    let word = text.map { String(cString: $0) } ?? ""
    completionMatches = completionSource?(before, word) ?? []
    // No file names when nothing matches; no space after `name=`.
    deepprov_edit_completion_options(1, completionMatches.count == 1 && completionMatches[0].hasSuffix("=") ? 0 : 32)
    return rl_completion_matches(text, nextCompletion)
}

private func nextCompletion(_ text: UnsafePointer<CChar>?, _ state: Int32) -> UnsafeMutablePointer<CChar>? {
    guard !completionMatches.isEmpty else { return nil }
    return strdup(completionMatches.removeFirst())
}
