import Analysis
import Foundation

/// How `deepprov repair` and `deepprov repairs` print repairs: node actions, edge repairs
/// (and the whole-model baseline), and the choice of `--actions both`.
enum RepairPrinter {
    static func printNode(_ outcome: NodeRepairOutcome, out: String, recordName: String, db: String) {
        print("repaired \(outcome.originalFingerprint.prefix(12)) -> \(outcome.repairedFingerprint.prefix(12)): \(out)")
        print("recorded as repair '\(recordName)' in \(db)")
        printNodeDetails(outcome)
    }

    static func printNodeDetails(_ outcome: NodeRepairOutcome) {
        for single in outcome.singleLayer {
            print("single layer \(single.layer): \(single.actions.count) actions (\(single.target) target, α \(single.strength), β \(single.windowInDeviations)σ), validation adversarial \(percentText(single.validation.adversarial)), benign \(percentText(single.validation.benign))")
        }
        for layer in outcome.layers {
            print("layer \(layer.layer): \(layer.actions.count) node actions on \(layer.actions.map { String($0.node) }.joined(separator: ","))")
        }
        print("validation benign     \(percentText(outcome.originalValidation.benign)) -> \(percentText(outcome.repairedValidation.benign)) (floor \(percentText(outcome.benignFloor)))")
        print("validation adversarial \(percentText(outcome.originalValidation.adversarial)) -> \(percentText(outcome.repairedValidation.adversarial)) (transfer: made on the original)")
        for line in outcome.notes { print("note: \(line)") }
    }

    static func printEdge(_ outcome: EdgeRepairOutcome, out: String, recordName: String, db: String) {
        let what = outcome.kind == .wholeModel ? "whole-model baseline (not a repair)" : "repaired"
        print("\(what) \(outcome.originalFingerprint.prefix(12)) -> \(outcome.repairedFingerprint.prefix(12)): \(out)")
        print("recorded as repair '\(recordName)' in \(db)")
        printEdgeDetails(outcome)
    }

    static func printEdgeDetails(_ outcome: EdgeRepairOutcome) {
        let budget = outcome.budget.map { ", budget \($0)" } ?? ""
        print("weights changed: \(outcome.weightsChanged) of \(outcome.weightEntries) weight-matrix entries (\(String(format: "%.2f", outcome.weightsChangedPercent)) %\(budget)); other parameter entries changed: \(outcome.otherParametersChanged)")
        for layer in outcome.layers {
            let selected = layer.selected.map { ", \($0.count) selected" } ?? ""
            print("layer \(layer.layer) (\(layer.weightName)): \(layer.changed) of \(layer.entries) entries changed\(selected)")
        }
        print("fine-tuning: \(outcome.epochs) epochs on \(outcome.repairAttack?.rawValue ?? "fgsm") inputs at ε \(outcome.repairEpsilon) regenerated each epoch, learning rate \(outcome.learningRate), seed \(outcome.seed)")
        let attack = outcome.adaptiveEpsilon.map { "adaptive ε \($0) (right at every step)" } ?? "adaptive FGSM ε \(outcome.repairEpsilon)"
        for (epoch, scores) in outcome.epochScores.enumerated() {
            let label = epoch == 0 ? "original" : "epoch \(epoch)\(epoch == outcome.chosenEpoch ? " (chosen)" : "")"
            print("\(label): validation benign \(percentText(scores.benign)), \(attack) \(percentText(scores.adversarial))")
        }
        print("validation benign     \(percentText(outcome.originalValidation.benign)) -> \(percentText(outcome.repairedValidation.benign))")
        print("validation adversarial \(percentText(outcome.originalValidation.adversarial)) -> \(percentText(outcome.repairedValidation.adversarial)) (transfer: made on the original)")
        for line in outcome.notes { print("note: \(line)") }
    }

    static func printChoice(_ choice: RepairChoice, out: String, recordName: String, db: String) {
        print("chose \(choice.chosen) (\(choice.repairedFingerprint.prefix(12))): \(out)")
        print("recorded as repair '\(recordName)' in \(db)")
        print("node actions:")
        printNodeDetails(choice.node)
        print("edge repair:")
        printEdgeDetails(choice.edge)
        print("candidates on the validation part (adaptive: \(choice.steps) steps of ε/4, ε \(choice.adaptiveEpsilon), right at every step against exact gradient and BPDA):")
        for candidate in choice.candidates {
            print("candidate \(candidate.name): benign \(percentText(candidate.benign)), transfer \(percentText(candidate.transfer)), exact gradient \(percentText(candidate.exactGradient)), BPDA \(percentText(candidate.bpda)), adaptive \(percentText(candidate.adaptive)), weights changed \(candidate.weightsChanged)\(candidate.withinBudget ? "" : ", over the benign budget")")
        }
        print("chosen: \(choice.chosen): \(choice.reason)")
    }
}

func percentText(_ share: Double) -> String {
    String(format: "%.2f%%", share * 100)
}
