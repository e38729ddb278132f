import Analysis
import ArgumentParser
import Foundation
import IPG
import Store

/// `deepprov repl`: ask provenance questions interactively.
struct ReplCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repl",
        abstract: "Ask queries interactively against a store (line editing, history, Tab completion; .help lists the commands).")

    @Option(help: "The store: an SQLite file, or clickhouse://HOST:PORT/DATABASE[?cluster=NAME].")
    var db: String

    @Option(help: "The history file (default: $DEEPPROV_HISTORY, else ~/.deepprov_history).")
    var history: String?

    func run() throws {
        let store = try openBackend(db, access: .readOnly)
        let library = SavedQueryLibrary()
        let standardError = FileHandle.standardError
        let session = ReplSession(
            runner: QuerySession(backend: store), library: library,
            write: { FileHandle.standardOutput.write(Data($0.utf8)) },
            writeError: { standardError.write(Data($0.utf8)) })
        let savedNames = (try? library.all().map(\.name)) ?? []
        let editor = LineEditor(historyFile: history ?? Self.defaultHistoryFile) { before, word in
            let catalog = (try? store.catalog()) ?? .init(models: [], tags: [])
            return ReplCompletion(catalog: catalog, savedQueries: savedNames, parameters: session.parameters.keys.sorted())
                .candidates(before: before, word: word)
        }
        let interrupts = InterruptHandler {
            if !session.interrupt() { standardError.write(Data("\n(Ctrl-C stops a running query; .quit or Ctrl-D leaves)\n".utf8)) }
        }
        if editor.interactive { print("DeepProv \(DeepProvVersion.current) on \(db). .help lists the commands; Tab completes.") }
        while let line = editor.readLine(prompt: session.prompt) {
            let keepGoing = session.accept(line)
            if let input = session.completedInput { editor.remember(input) }
            if !keepGoing { break }
        }
        session.finishInput()
        if let input = session.completedInput { editor.remember(input) }
        withExtendedLifetime(interrupts) {}
    }

    private static var defaultHistoryFile: String? {
        let environment = ProcessInfo.processInfo.environment
        if let path = environment["DEEPPROV_HISTORY"] { return path.isEmpty ? nil : path }
        return environment["HOME"].map { $0 + "/.deepprov_history" }
    }
}
