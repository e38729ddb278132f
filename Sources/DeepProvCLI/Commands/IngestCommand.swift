import ArgumentParser
import Foundation
import Store

/// `deepprov ingest`: load trace streams into a store, idempotently.
struct IngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Load trace streams (.ipgz) into a store; traces already stored are skipped.")

    @Option(help: "The store (created if missing): an SQLite file, or clickhouse://HOST:PORT/DATABASE[?cluster=NAME].")
    var db: String

    @Argument(help: "Trace streams to load; - for standard input.")
    var streams: [String]

    @Option(help: "Traces per transaction (per insert on ClickHouse).")
    var batchSize: Int = 2000

    @Flag(help: "No progress display (for cron).")
    var quiet = false

    @Option(help: "Seconds to wait while another ingest holds a tag of the same model (ClickHouse: one batch's claim) before giving up.")
    var busyTimeout: Double = 600

    func validate() throws {
        guard !streams.isEmpty else { throw ValidationError("give at least one stream to ingest") }
        guard batchSize > 0 else { throw ValidationError("--batch-size must be positive") }
        guard busyTimeout >= 0 else { throw ValidationError("--busy-timeout must not be negative") }
    }

    func run() throws {
        let progress = ProgressReporter(label: "ingest", total: 0, quiet: quiet)
        let summary = try ingestStreams(streams, into: db, batchSize: batchSize, busyTimeout: busyTimeout, onWaiting: waitingMessages(quiet: quiet)) {
            progress.update(done: $0.tracesRead)
        }
        progress.finish()
        let rate = Int(Double(summary.tracesRead) / max(summary.seconds, 1e-9))
        let line = "ingested \(summary.tracesRead) traces into \(db) in \(String(format: "%.2f", summary.seconds)) s (\(rate) traces/s): "
            + "\(summary.tracesAdded) new, \(summary.tracesSkipped) already stored (run \(summary.runID))"
        FileHandle.standardError.write(Data(([line] + summary.warnings).map { $0 + "\n" }.joined().utf8))
    }
}

extension IngestSummary {
    /// What a person should know about the traces just stored: tags that now name two inputs
    /// by one index, which makes `(tag, index)` parent references ambiguous.
    var warnings: [String] {
        reusedIndices.sorted { $0.key < $1.key }.map { tag, reused in
            "warning: \(reused.traces) new traces of tag '\(tag)' reuse an input index the tag already held for a different input "
                + "(first: input \(reused.firstIndex)); a trace naming ('\(tag)', i) as its parent pairs with the first stored. "
                + "Give each dataset its own tag (capture --tag, --parent-tag) to keep pairs exact."
        }
    }
}
