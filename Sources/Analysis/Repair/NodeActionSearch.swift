import Foundation
import Engine

/// The greedy search of DEEPPROV.md §3 for node actions: per layer (each single-node action
/// scored on the mining part, those that help added greedily in order of gain while the
/// mining adversarial accuracy rises and the validation benign accuracy stays above the
/// floor; repeated until nothing is added), for each variant (benign target, strength α,
/// window β_l), the variant with the best validation adversarial accuracy kept; then whole
/// layers added greedily across layers under the same rule.
struct NodeActionSearch {
    /// Variants tried per layer: the benign target, α, and β_l in units of the layer's pooled benign deviation.
    static let strengths: [Float] = [1, 0.5]
    static let windowsInDeviations: [Float] = [1, 2, 4]
    /// Every variant, in the order tried (the first of equally good variants is kept).
    static let variants = BenignTarget.allCases.flatMap { kind in
        strengths.flatMap { strength in windowsInDeviations.map { (kind, strength, $0) } }
    }
    /// Most divergent nodes considered per layer.
    static let candidateLimit = 32
    /// A single action is kept as a candidate unless it costs more than this much mining
    /// adversarial accuracy (the paper's "one point").
    static let singleActionTolerance = 0.01

    var benignFloor: Double
    var progress: (String) -> Void

    /// The best repair of `layer` alone.
    func searchLayer(_ layer: Int, statistics: LayerStatistics, mining: SuffixScorer, validation: SuffixScorer,
                     steps: inout [RepairStep]) throws -> SingleLayerResult {
        let candidates = statistics.candidates(limit: Self.candidateLimit)
        var best: (result: SingleLayerResult, steps: [RepairStep])?
        for (kind, strength, multiple) in Self.variants {
            let targets = statistics.targets(kind)
            let window = multiple * statistics.pooledCleanDeviation
            let actions = candidates.map { NodeAction(node: $0, target: targets[$0], strength: strength, window: window) }
            var variantSteps: [RepairStep] = []
            let chosen = try greedy(actions, stage: "layer \(layer)", mining: mining, validation: validation, steps: &variantSteps)
            let result = SingleLayerResult(
                layer: layer, target: kind, strength: strength, windowInDeviations: multiple, window: window, actions: chosen,
                mining: try mining.scores(chosen), validation: try validation.scores(chosen),
                candidates: candidates.map {
                    NodeCandidate(node: $0, divergence: statistics.divergence[$0], mean: statistics.cleanMean[$0], mode: statistics.cleanMode[$0])
                })
            progress("layer \(layer), \(kind) target, α \(strength), β \(multiple)σ: \(chosen.count) actions, validation adversarial \(percent(result.validation.adversarial)), benign \(percent(result.validation.benign))")
            if best.map({ isBetter(result, than: $0.result) }) ?? true { best = (result, variantSteps) }
        }
        steps += best!.steps
        return best!.result
    }

    /// Validation adversarial accuracy first, then benign, then fewer actions.
    private func isBetter(_ result: SingleLayerResult, than other: SingleLayerResult) -> Bool {
        if result.validation.adversarial != other.validation.adversarial { return result.validation.adversarial > other.validation.adversarial }
        if result.validation.benign != other.validation.benign { return result.validation.benign > other.validation.benign }
        return result.actions.count < other.actions.count
    }

    /// Single actions scored on mining, then added greedily in order of gain.
    private func greedy(_ candidates: [NodeAction], stage: String, mining: SuffixScorer, validation: SuffixScorer,
                        steps: inout [RepairStep]) throws -> [NodeAction] {
        let base = mining.baseline
        var singles: [(action: NodeAction, gain: Double)] = []
        for action in candidates {
            let gain = try mining.scores([action]).adversarial - base.adversarial
            if gain >= -Self.singleActionTolerance { singles.append((action, gain)) }
        }
        singles.sort { $0.gain != $1.gain ? $0.gain > $1.gain : $0.action.node < $1.action.node }
        var chosen: [NodeAction] = [], current = base
        var added = true
        while added {
            added = false
            for (action, _) in singles where !chosen.contains(where: { $0.node == action.node }) {
                let trial = chosen + [action]
                let trialMining = try mining.scores(trial)
                guard trialMining.adversarial > current.adversarial else { continue }
                let trialValidation = try validation.scores(trial)
                guard trialValidation.benign >= benignFloor else { continue }
                chosen = trial
                current = trialMining
                added = true
                steps.append(RepairStep(
                    stage: stage,
                    change: "add node \(action.node) (b \(action.target), α \(action.strength), β \(action.window))",
                    mining: trialMining, validation: trialValidation))
            }
        }
        return chosen
    }
}

func percent(_ share: Double) -> String {
    String(format: "%.2f%%", share * 100)
}
