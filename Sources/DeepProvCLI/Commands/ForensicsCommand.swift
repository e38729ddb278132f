import Analysis
import ArgumentParser
import Foundation
import Store

/// `deepprov forensics`: what happened inside the model for one input, beside the inputs it
/// gets right. `--format json` is a contract (README, "Forensics").
struct ForensicsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forensics",
        abstract: "Explain one trace: prediction and margin, strongest paths, outlier nodes, nearest correct traces, its clean parent.")

    @Option(help: "The store: an SQLite file, or clickhouse://HOST:PORT/DATABASE[?cluster=NAME].")
    var db: String

    @Option(help: "The trace's id in the store.")
    var trace: Int64?

    @Option(help: "The trace's tag (with --input).")
    var tag: String?

    @Option(help: "The trace's input index (with --tag).")
    var input: Int?

    @Option(help: "The tag of the benign reference traces (default: the trace's parent tag, else clean).")
    var clean: String?

    @Option(help: "The layer of the nearest-neighbour search (default: the last hidden layer).")
    var layer: Int?

    @Option(help: "text or json.")
    var format: ForensicsFormat = .text

    @Option(help: "Also write the report as one self-contained HTML page (inline SVG) to this file.")
    var html: String?

    @Flag(help: "Print how long each phase took to standard error.")
    var timer = false

    enum ForensicsFormat: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    func validate() throws {
        switch (trace, tag, input) {
        case (_?, nil, nil), (nil, _?, _?): return
        case (_?, _, _): throw ValidationError("give --trace ID or --tag T --input K, not both")
        case (nil, _?, nil): throw ValidationError("--tag needs --input K (or give --trace ID)")
        case (nil, nil, _?): throw ValidationError("--input needs --tag T (or give --trace ID)")
        case (nil, nil, nil): throw ValidationError("say which trace: --trace ID, or --tag T --input K")
        }
    }

    func run() throws {
        let store = try openBackend(db, access: .readOnly)
        let choice: TraceChoice = trace.map { .id($0) } ?? .input(tag: tag!, index: input!)
        var phases: [String] = []
        let report = try Forensics(backend: store).report(for: choice, options: Forensics.Options(cleanTag: clean, nearestLayer: layer)) { phase, seconds in
            phases.append("\(phase) " + String(format: "%.1f", seconds * 1000) + " ms")
        }
        if let html {
            let forensics = Forensics(backend: store)
            let page = try ForensicsPage.render(report, pictures: forensics.pictures(for: report))
            try TextFile.save(page, to: html)
        }
        if timer { FileHandle.standardError.write(Data(("timer: " + phases.joined(separator: ", ") + "\n").utf8)) }
        switch format {
        case .json: print(try ForensicsOutput.json(report))
        case .text: print(ForensicsOutput.text(report), terminator: "")
        }
    }
}
