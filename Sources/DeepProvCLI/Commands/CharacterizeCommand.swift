import Analysis
import ArgumentParser
import Foundation
import Store

/// `deepprov characterize`: two tags' traces compared per layer, node and dense edge, through
/// the query language; `--html F` also writes the pictures.
struct CharacterizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "characterize",
        abstract: "Compare the traces of two tags per layer, node and dense edge: frequency, mean, stddev, dispersion, entropy, active nodes, paired distance, edge contributions.")

    @Option(help: "The store: an SQLite file, or clickhouse://HOST:PORT/DATABASE[?cluster=NAME].")
    var db: String

    @Option(help: "The first set's tag (a); differences are a − b.")
    var a: String

    @Option(help: "The second set's tag (b); when it is the tag of a's parents, paired distances are added.")
    var b: String

    @Option(help: "Comma-separated IPG layers (default: every layer but the input).")
    var layers: String?

    @Option(help: "Nodes printed, and edges kept, per layer: the most divergent.")
    var top = 10

    @Option(help: "table or json.")
    var format: ReportFormat = .table

    @Option(help: "Also write the characterization as one self-contained HTML page (inline SVG) to this file.")
    var html: String?

    @Flag(help: "Print no progress on standard error.")
    var quiet = false

    func validate() throws {
        guard top >= 0 else { throw ValidationError("--top: \(top) is negative; give how many nodes and edges to show per layer") }
        _ = try LayerListOption.parse(layers)
    }

    func run() throws {
        let store = try openBackend(db, access: .readOnly)
        let started = Date()
        let progress = { (line: String) in
            if !quiet {
                FileHandle.standardError.write(Data("characterize: \(line)  [\(String(format: "%.1f", Date().timeIntervalSince(started))) s]\n".utf8))
            }
        }
        let characterizer = Characterizer(backend: store)
        let report = try characterizer.characterize(a: a, b: b, options: Characterizer.Options(layers: try LayerListOption.parse(layers), edges: top), progress: progress)
        if let html {
            let values = try characterizer.traceMeasureValues(for: report, progress: progress)
            try TextFile.save(try CharacterizationPage.render(report, values: values, top: top), to: html)
        }
        switch format {
        case .json: print(try CharacterizationOutput.json(report))
        case .table: print(CharacterizationOutput.table(report, top: top), terminator: "")
        }
    }
}
