import Foundation
import Engine

/// Per node of one layer, over the mining part: the benign target and how far adversarial
/// inputs move the node away from benign behaviour.
///
/// Computed here from the mining part's cached activations rather than with the query
/// language: the language selects traces by tag, label, parent and so on, but cannot name an
/// arbitrary set of inputs (no membership test on `input`), so a seeded random split cannot
/// be expressed, and summarizing whole tags would let validation inputs choose candidates.
/// Which benign value a node action pulls toward.
public enum BenignTarget: String, Sendable, Codable, CaseIterable {
    case mean, mode
}

struct LayerStatistics {
    /// Mean of each node over the mining part's clean inputs (one benign target).
    var cleanMean: [Float]
    /// The mode of each node's benign values, or their mean when they barely spread (the
    /// other target, `BenignMode`).
    var cleanMode: [Float]
    /// Standard deviation of all the layer's benign values pooled: the unit of the window β_l.
    var pooledCleanDeviation: Float
    /// Per node: the paired activation distance (mean |adversarial − its clean parent|) in
    /// units of the pooled benign deviation, plus the difference of active frequencies.
    /// Larger means more divergent. Paired, so that shifts in opposite directions for
    /// different inputs do not cancel as they would in a difference of means.
    var divergence: [Double]

    /// `parentRows[k]` is the row of `clean` holding adversarial row k's parent.
    init(clean: Tensor, adversarial: Tensor, parentRows: [Int], threshold: Float) {
        let width = clean.shape.dropFirst().reduce(1, *)
        func meansAndFrequencies(_ tensor: Tensor) -> (mean: [Double], frequency: [Double]) {
            let rows = tensor.shape[0]
            var sum = [Double](repeating: 0, count: width), active = sum
            for row in 0..<rows {
                for node in 0..<width {
                    let value = tensor.values[row * width + node]
                    sum[node] += Double(value)
                    if abs(value) > threshold { active[node] += 1 }
                }
            }
            let count = Double(max(rows, 1))
            return (sum.map { $0 / count }, active.map { $0 / count })
        }
        let benign = meansAndFrequencies(clean), shifted = meansAndFrequencies(adversarial)
        cleanMean = benign.mean.map { Float($0) }
        let rows = clean.shape[0]
        cleanMode = (0..<width).map { node in
            BenignMode.target((0..<rows).map { clean.values[$0 * width + node] }) ?? 0
        }
        let all = clean.values.map(Double.init)
        let mean = all.reduce(0, +) / Double(max(all.count, 1))
        pooledCleanDeviation = Float((all.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(max(all.count, 1))).squareRoot())
        var distance = [Double](repeating: 0, count: width)
        for (row, parent) in parentRows.enumerated() {
            for node in 0..<width {
                distance[node] += Double(abs(adversarial.values[row * width + node] - clean.values[parent * width + node]))
            }
        }
        let unit = max(Double(pooledCleanDeviation), 1e-12), pairs = Double(max(parentRows.count, 1))
        divergence = (0..<width).map { node in
            distance[node] / pairs / unit + abs(shifted.frequency[node] - benign.frequency[node])
        }
    }

    /// The benign targets of `kind`.
    func targets(_ kind: BenignTarget) -> [Float] {
        kind == .mean ? cleanMean : cleanMode
    }

    /// Nodes with some divergence, most divergent first (ties by node), at most `limit`.
    func candidates(limit: Int) -> [Int] {
        divergence.indices.filter { divergence[$0] > 0 }
            .sorted { divergence[$0] != divergence[$1] ? divergence[$0] > divergence[$1] : $0 < $1 }
            .prefix(limit).map { $0 }
    }
}
