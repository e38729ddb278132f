import ArgumentParser
import Foundation
import Store

/// `deepprov info`: what a store holds.
struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Show a store's models, runs and traces per tag.")

    @Option(help: "The store: an SQLite file, or clickhouse://HOST:PORT/DATABASE[?cluster=NAME].")
    var db: String

    @Option(help: "table or json.")
    var format: ReportFormat = .table

    func run() throws {
        let info = try openBackend(db, access: .readOnly).info()
        if format == .json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(info), as: UTF8.self))
            return
        }
        print("\(info.traces) traces")
        for (tag, count) in info.tags.sorted(by: { $0.key < $1.key }) { print("  \(tag): \(count)") }
        print("models")
        for model in info.models {
            let reduced = [(model.summarisedLayers, "summarised"), (model.derivedLayers, "derived")].filter { $0.0 > 0 }.map { "\($0.0) \($0.1)" }
            let layers = "\(model.layers) layers" + (reduced.isEmpty ? "" : " (\(reduced.joined(separator: ", ")))")
            print("  \(model.fingerprint.prefix(12))  \(model.name)  \(layers), \(model.nodes) nodes, \(model.traces) traces")
        }
        print("runs")
        for run in info.runs {
            print("  \(run.id)  \(run.status)  \(run.startedAt)  read \(run.tracesRead), new \(run.tracesAdded), skipped \(run.tracesSkipped)  \(run.sources)")
            if let message = run.message { print("      \(message)") }
        }
    }
}
