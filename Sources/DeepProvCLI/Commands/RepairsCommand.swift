import Analysis
import ArgumentParser
import Foundation

/// `deepprov repairs`: the repairs recorded in a store.
struct RepairsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repairs",
        abstract: "List the repairs recorded in a store.")

    @Option(help: "The store: an SQLite file, or clickhouse://HOST:PORT/DATABASE[?cluster=NAME].")
    var db: String

    @Option(help: "table or json.")
    var format: ReportFormat = .table

    func run() throws {
        let records = try RecordedRepair.all(in: openBackend(db, access: .readOnly))
        if format == .json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(records), as: UTF8.self))
            return
        }
        guard !records.isEmpty else {
            print("no repairs recorded")
            return
        }
        for record in records {
            print("\(record.name)  \(record.createdAt)")
            if let outcome = record.outcome {
                print("  \(outcome.originalFingerprint.prefix(12)) -> \(outcome.repairedFingerprint.prefix(12)), tags \(outcome.cleanTag)/\(outcome.adversarialTag), seed \(outcome.seed), \(outcome.actionCount) node actions in layers \(outcome.layers.map { String($0.layer) }.joined(separator: ","))")
                print("  validation benign \(percentText(outcome.originalValidation.benign)) -> \(percentText(outcome.repairedValidation.benign)), adversarial \(percentText(outcome.originalValidation.adversarial)) -> \(percentText(outcome.repairedValidation.adversarial))")
            }
            if let edge = record.edge {
                let what = edge.kind == .wholeModel ? "whole-model baseline (not a repair)" : "edge repair"
                print("  \(what): \(edge.originalFingerprint.prefix(12)) -> \(edge.repairedFingerprint.prefix(12)), tags \(edge.cleanTag)/\(edge.adversarialTag), seed \(edge.seed), \(edge.weightsChanged) of \(edge.weightEntries) weight-matrix entries changed")
                print("  validation benign \(percentText(edge.originalValidation.benign)) -> \(percentText(edge.repairedValidation.benign)), adversarial \(percentText(edge.originalValidation.adversarial)) -> \(percentText(edge.repairedValidation.adversarial))")
            }
            if let choice = record.choice {
                print("  both: chose \(choice.chosen) (\(choice.repairedFingerprint.prefix(12))); " + choice.candidates.map { "\($0.name) adaptive \(percentText($0.adaptive)) benign \(percentText($0.benign))" }.joined(separator: ", "))
            }
        }
    }
}
