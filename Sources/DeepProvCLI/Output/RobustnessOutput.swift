import Analysis
import Foundation

/// `deepprov evaluate --attack …` output: the robustness report as a table or as JSON (the
/// report's fields in snake case, beside the model, the original and the inputs).
struct RobustnessOutput: Encodable {
    let model: String
    let against: String?
    let inputs: String
    let report: RobustnessReport

    private enum CodingKeys: String, CodingKey { case model, against, inputs }

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(model, forKey: .model)
        try container.encode(against, forKey: .against)
        try container.encode(inputs, forKey: .inputs)
        try report.encode(to: encoder)
    }

    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    func table() -> String {
        var lines = [
            "model \(model) on \(inputs): \(report.attack) ε \(report.epsilon) in [\(report.clipMin), \(report.clipMax)], seed \(report.seed)",
            row("benign", report.benign),
        ]
        if let transfer = report.transfer, let against {
            var made = "\(transfer.attack)"
            if transfer.attack != "fgsm" { made += " \(transfer.iterations) \(transfer.attack == "square" ? "queries" : "steps")" }
            if let step = transfer.step { made += " of \(step)" }
            if transfer.randomStart { made += ", random start" }
            lines.append(row("transfer \(made) from \(against), seed \(transfer.seed)", transfer.score)
                + " (on \(against): \(percent(transfer.onSource.accuracy)))")
        }
        if let adaptive = report.adaptive {
            lines.append("adaptive: \(adaptive.steps) steps of \(adaptive.step) from the clean input, no random start (no randomness)")
            for attack in [adaptive.exact, adaptive.bpda] {
                let curve = attack.accuracyPerStep.map { String(format: "%.1f", 100 * $0) }.joined(separator: " ")
                lines.append(row("  \(attack.backwardPass) gradient, right at every step", attack.robustAtEveryStep) + "  accuracy per step: \(curve)")
            }
            lines.append(row("  robust to both", adaptive.robustToBoth))
        }
        if let square = report.square {
            lines.append(row("square \(square.queries) queries, seed \(square.seed) (benign on them \(percent(square.benign.accuracy)))", square.score))
        }
        return lines.joined(separator: "\n")
    }

    private func row(_ label: String, _ score: RobustnessReport.Score) -> String {
        "\(label): \(percent(score.accuracy)) (\(score.correct)/\(score.inputs))"
    }
}
