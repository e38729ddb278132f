import Analysis
import Foundation
import Query
import Store
import Synchronization

/// The REPL's state and what it does with each line: queries (over as many lines as they
/// need, ended by `;` or an empty line), and dot commands. Errors are reported and the
/// session goes on; only `.quit` (or the end of input) ends it.
final class ReplSession: @unchecked Sendable {
    /// A dot command, its argument synopsis and what it does (for `.help`).
    struct DotCommand {
        var name: String
        var arguments: String
        var summary: String
    }

    static let dotCommands = [
        DotCommand(name: ".help", arguments: "", summary: "this list, and how to write a query"),
        DotCommand(name: ".format", arguments: "[table|csv|json]", summary: "show or set the output format"),
        DotCommand(name: ".params", arguments: "[name=value …|clear]", summary: "show, set or clear the $parameters queries use"),
        DotCommand(name: ".explain", arguments: "[on|off|QUERY]", summary: "show the SQL: of the last query, of QUERY (not run), or before every run"),
        DotCommand(name: ".timer", arguments: "[on|off]", summary: "print compile and run times after each query"),
        DotCommand(name: ".saved", arguments: "[NAME [name=value …]]", summary: "list the saved queries, or run one (session parameters override its defaults)"),
        DotCommand(name: ".tokens", arguments: "QUERY", summary: "the compiler's first phase: QUERY's tokens with their line:column"),
        DotCommand(name: ".ast", arguments: "QUERY", summary: "the second phase: QUERY's syntax tree"),
        DotCommand(name: ".catalog", arguments: "", summary: "the store's models, layers and tags"),
        DotCommand(name: ".forensics", arguments: "TRACE_ID", summary: "explain one trace as deepprov forensics does (JSON with .format json)"),
        DotCommand(name: ".sql", arguments: "SQL", summary: "run read-only SQL directly (DeepProv's ipg_* functions available)"),
        DotCommand(name: ".quit", arguments: "", summary: "leave (Ctrl-D does too)"),
    ]

    /// Rows a table shows on screen.
    static let tableRowLimit = 40

    private let runner: QuerySession
    private let library: SavedQueryLibrary
    private let write: (String) -> Void
    private let writeError: (String) -> Void
    private(set) var format: QueryOutputFormat = .table
    private(set) var parameters: [String: String] = [:]
    private var explainBeforeRun = false
    private var timer = false
    private var pending: [String] = []
    /// The last input completed (a dot command, or a query's lines), for the history.
    private(set) var completedInput: String?
    private var lastPrepared: QuerySession.Prepared?
    private var queryNumber = 0
    /// Set while a statement runs, so Ctrl-C knows whether to interrupt it.
    private let running = Atomic<Bool>(false)
    private let interruptRequested = Atomic<Bool>(false)
    /// Ctrl-C at the prompt: drop the unfinished query before the next line.
    private let discardPending = Atomic<Bool>(false)

    init(runner: QuerySession, library: SavedQueryLibrary, write: @escaping (String) -> Void, writeError: @escaping (String) -> Void) {
        self.runner = runner
        self.library = library
        self.write = write
        self.writeError = writeError
    }

    /// The prompt for the next line: a continuation prompt inside an unfinished query.
    var prompt: String { pending.isEmpty ? "deepprov> " : "      ..> " }

    /// Handles one line of input; false when the session should end.
    func accept(_ line: String) -> Bool {
        if discardPending.exchange(false, ordering: .acquiringAndReleasing) { pending = [] }
        completedInput = nil
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        if pending.isEmpty {
            if trimmed.isEmpty { return true }
            if trimmed.hasPrefix(".") {
                completedInput = trimmed
                return dotCommand(trimmed)
            }
        }
        pending.append(line)
        // A query ends with `;` or an empty line, so it can be written over several lines.
        guard trimmed.hasSuffix(";") || trimmed.isEmpty else { return true }
        runPending()
        return true
    }

    /// The end of input: a query still open (a script whose last query has no `;`) runs.
    func finishInput() {
        if discardPending.exchange(false, ordering: .acquiringAndReleasing) { pending = [] }
        completedInput = nil
        if !pending.isEmpty { runPending() }
    }

    private func runPending() {
        let text = pending.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        completedInput = text
        pending = []
        let query = text.hasSuffix(";") ? String(text.dropLast()) : text
        if query.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return }
        queryNumber += 1
        do {
            run(try runner.prepare(SourceText(query, name: "<repl:\(queryNumber)>"), parameters: QueryParameters(session: parameters)))
        } catch {
            report(error)
        }
    }

    /// Ctrl-C: interrupts the running statement, if any; true when there was one.
    func interrupt() -> Bool {
        guard running.load(ordering: .acquiring) else {
            discardPending.store(true, ordering: .releasing)
            return false
        }
        interruptRequested.store(true, ordering: .releasing)
        runner.backend.interrupt()
        return true
    }

    private func run(_ prepared: QuerySession.Prepared) {
        lastPrepared = prepared
        if explainBeforeRun { write(QuerySession.explanation(prepared) + "\n") }
        runMeasured(compileSeconds: prepared.compileSeconds) { try runner.run(prepared) }
    }

    private func runMeasured(compileSeconds: Double?, _ body: () throws -> QuerySession.Outcome) {
        interruptRequested.store(false, ordering: .releasing)
        running.store(true, ordering: .releasing)
        defer { running.store(false, ordering: .releasing) }
        do {
            let outcome = try body()
            write(QueryOutput.render(outcome.table, format: format, tableRowLimit: Self.tableRowLimit))
            if timer { writeError(QuerySession.timing(compileSeconds: compileSeconds, outcome: outcome) + "\n") }
        } catch {
            if interruptRequested.load(ordering: .acquiring) {
                writeError("interrupted\n")
            } else {
                report(error)
            }
        }
    }

    private func report(_ error: Error) {
        switch error {
        case QueryFailure.missingParameter(let name):
            writeError("the query needs $\(name): set it with .params \(name)=VALUE\n")
        default:
            writeError("\(error)\n")
        }
    }

    private func dotCommand(_ line: String) -> Bool {
        let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
        let command = parts[0], argument = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
        switch command {
        case ".quit", ".exit": return false
        case ".help": write(Self.help)
        case ".format": setFormat(argument)
        case ".params": setParameters(argument)
        case ".explain": explain(argument)
        case ".timer":
            guard let on = Self.switchValue(argument, current: timer) else { return usage(command) }
            timer = on
            write("timer \(on ? "on" : "off")\n")
        case ".saved": saved(argument)
        case ".tokens", ".ast":
            guard !argument.isEmpty else { return usage(command) }
            showPhase(command, of: SourceText(argument, name: "<repl>"))
        case ".catalog": showCatalog()
        case ".forensics":
            guard let id = Int64(argument) else { return usage(command) }
            showForensics(of: id)
        case ".sql":
            guard !argument.isEmpty else { return usage(command) }
            runMeasured(compileSeconds: nil) { try runner.run(sql: argument, arguments: []) }
        default:
            let suggestion = NameSuggestion.nearest(to: command, in: Self.dotCommands.map(\.name))
            writeError("no command \(command)" + (suggestion.map { "; did you mean \($0)?" } ?? "") + " (.help lists them)\n")
        }
        return true
    }

    private func usage(_ command: String) -> Bool {
        let arguments = Self.dotCommands.first { $0.name == command }?.arguments ?? ""
        writeError("usage: \(command) \(arguments)\n")
        return true
    }

    private func setFormat(_ argument: String) {
        if argument.isEmpty { return write("format \(format.rawValue)\n") }
        guard let chosen = QueryOutputFormat(rawValue: argument) else {
            return writeError("no format '\(argument)': table, csv or json\n")
        }
        format = chosen
        write("format \(format.rawValue)\n")
    }

    private func setParameters(_ argument: String) {
        if argument == "clear" {
            parameters = [:]
            return write("parameters cleared\n")
        }
        if argument.isEmpty {
            if parameters.isEmpty { return write("no parameters set (.params name=value …)\n") }
            return write(parameters.sorted { $0.key < $1.key }.map { "$\($0.key) = \($0.value)" }.joined(separator: "\n") + "\n")
        }
        guard let pairs = Self.pairs(argument) else { return writeError("usage: .params name=value …\n") }
        for (name, value) in pairs { parameters[name] = value }
        write(pairs.map { "$\($0.0) = \($0.1)" }.joined(separator: "\n") + "\n")
    }

    private func explain(_ argument: String) {
        switch argument {
        case "on", "off":
            explainBeforeRun = argument == "on"
            write("explain \(argument)\n")
        case "":
            guard let lastPrepared else { return writeError("no query yet: .explain QUERY shows the SQL of QUERY\n") }
            write(QuerySession.explanation(lastPrepared) + "\n")
        default:
            do {
                write(QuerySession.explanation(try runner.prepare(SourceText(argument, name: "<repl>"), parameters: QueryParameters(session: parameters))) + "\n")
            } catch {
                report(error)
            }
        }
    }

    private func saved(_ argument: String) {
        do {
            if argument.isEmpty {
                let queries = try library.all()
                let width = queries.map(\.name.count).max() ?? 0
                return write(queries.map { $0.name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.description }.joined(separator: "\n") + "\n")
            }
            let parts = argument.split(separator: " ", maxSplits: 1).map(String.init)
            let query = try library.named(parts[0])
            guard let given = Self.pairs(parts.count > 1 ? parts[1] : "") else { return writeError("usage: .saved NAME [name=value …]\n") }
            let values = QueryParameters(given: Dictionary(given) { _, last in last }, session: parameters)
            run(try runner.prepare(query, parameters: values))
        } catch {
            report(error)
        }
    }

    /// `.tokens`: one token a line with its place; `.ast`: the parsed stages.
    private func showPhase(_ command: String, of source: SourceText) {
        let (tokens, diagnostics) = Lexer.tokenize(source)
        if let diagnostic = diagnostics.first { return writeError(diagnostic.render(in: source)) }
        if command == ".tokens" {
            return write(tokens.map { token in
                let (line, column) = source.location(of: token.span.start)
                return "\(line):\(column)\t\(token.kind)"
            }.joined(separator: "\n") + "\n")
        }
        switch Parser.parse(tokens) {
        case .success(let query): write("\(query)\n")
        case .failure(let diagnostic): writeError(diagnostic.render(in: source))
        }
    }

    private func showCatalog() {
        do {
            let catalog = try runner.backend.catalog()
            var out = ""
            for model in catalog.models {
                out += "model \(model.name) (\(model.fingerprint.prefix(12)))\n"
                for layer in model.layers { out += "  layer \(layer.index)  \(layer.name)  \(layer.kind)  \(layer.nodeCount) nodes\n" }
            }
            out += "tags: " + (catalog.tags.isEmpty ? "none yet" : catalog.tags.joined(separator: ", ")) + "\n"
            write(out)
        } catch {
            report(error)
        }
    }

    private func showForensics(of id: Int64) {
        do {
            let report = try Forensics(backend: runner.backend).report(for: .id(id))
            write(format == .json ? try ForensicsOutput.json(report) + "\n" : ForensicsOutput.text(report))
        } catch {
            report(error)
        }
    }

    /// `name=value name2=value2`; nil when a word has no `=`.
    private static func pairs(_ text: String) -> [(String, String)]? {
        var pairs: [(String, String)] = []
        for word in text.split(separator: " ") {
            guard let option = try? KeyValueOption(parsing: String(word)) else { return nil }
            pairs.append((option.pair.key, option.pair.value))
        }
        return pairs
    }

    private static func switchValue(_ argument: String, current: Bool) -> Bool? {
        switch argument {
        case "": return !current
        case "on": return true
        case "off": return false
        default: return nil
        }
    }

    private static var help: String {
        let width = dotCommands.map { $0.name.count + $0.arguments.count + 1 }.max() ?? 0
        var out = dotCommands.map { ($0.name + " " + $0.arguments).padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.summary }
            .joined(separator: "\n")
        out += """


        A query is a pipeline over one or more lines, ended by ; or an empty line. For example:
          from traces where tag = 'fgsm' and not correct | select input, label, predicted;
          from traces where tag = $tag | nodes of layer 1 | summarize mean, freq by node
            | versus traces where tag = 'clean' | sort -abs(mean_diff) | take 10;
        Tab completes keywords, tags, layers and saved queries; Ctrl-C stops a running query.

        """
        return out
    }
}
