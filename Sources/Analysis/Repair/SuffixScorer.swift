import Engine

/// Accuracy on benign (clean) and adversarial inputs, as fractions.
public struct RepairScores: Sendable, Codable, Equatable {
    public var benign: Double
    public var adversarial: Double

    public init(benign: Double, adversarial: Double) {
        self.benign = benign
        self.adversarial = adversarial
    }
}

/// Activations of one side of the split at some graph values, from one forward pass of the
/// original model: what candidate actions are scored from.
struct ActivationCache {
    var clean: [String: Tensor]
    var adversarial: [String: Tensor]
    var cleanLabels: [Int]
    var adversarialLabels: [Int]
    /// For each adversarial row, the clean row of its parent.
    var parentRows: [Int]

    init(part: RepairPart, session: InferenceSession, values: [String], batchSize: Int = 1024) throws {
        func collect(_ inputs: Tensor) throws -> [String: Tensor] {
            var gathered: [String: [Float]] = [:], widths: [String: [Int]] = [:]
            let count = inputs.shape[0]
            for start in stride(from: 0, to: count, by: batchSize) {
                let evaluation = try session.evaluate(inputs.batchSlice(start..<min(count, start + batchSize)))
                for name in values {
                    guard let tensor = evaluation[name] else { throw RepairError("the model computes no value '\(name)'") }
                    gathered[name, default: []] += tensor.values
                    widths[name] = Array(tensor.shape.dropFirst())
                }
            }
            return Dictionary(uniqueKeysWithValues: values.map { name in
                (name, Tensor(shape: [count] + (widths[name] ?? []), values: gathered[name] ?? []))
            })
        }
        clean = try collect(part.clean)
        adversarial = try collect(part.adversarial)
        cleanLabels = part.cleanLabels
        adversarialLabels = part.adversarialLabels
        let rowOfInput = Dictionary(part.cleanInputs.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        parentRows = part.adversarialParents.map { rowOfInput[$0]! }
    }
}

/// Scores node actions on one layer's values by running only the part of the network after
/// that layer, and only on the inputs the actions change: every other input keeps the
/// prediction it had without them.
final class SuffixScorer {
    private let session: InferenceSession
    private let clean: Tensor, adversarial: Tensor
    private let cleanLabels: [Int], adversarialLabels: [Int]
    private let cleanCorrect: [Bool], adversarialCorrect: [Bool]
    let width: Int
    /// Scores with no action on this layer.
    private(set) var baseline = RepairScores(benign: 0, adversarial: 0)

    /// `graph` (possibly already holding other layers' actions) from `valueName` on, over the
    /// cached values at `valueName`.
    init(graph: ModelGraph, valueName: String, cache: ActivationCache) throws {
        guard let clean = cache.clean[valueName], let adversarial = cache.adversarial[valueName] else {
            throw RepairError("no cached activations for '\(valueName)'")
        }
        width = clean.shape.dropFirst().reduce(1, *)
        let suffix = try graph.suffix(from: valueName, sampleShape: Array(clean.shape.dropFirst()))
        session = try InferenceSession(model: Model(graph: suffix, fingerprint: "", source: "suffix from \(valueName)"))
        self.clean = clean
        self.adversarial = adversarial
        cleanLabels = cache.cleanLabels
        adversarialLabels = cache.adversarialLabels
        cleanCorrect = try Self.correct(session, clean, cleanLabels)
        adversarialCorrect = try Self.correct(session, adversarial, adversarialLabels)
        baseline = RepairScores(benign: Self.share(cleanCorrect), adversarial: Self.share(adversarialCorrect))
    }

    /// Accuracy with `actions` applied to this layer's values.
    func scores(_ actions: [NodeAction]) throws -> RepairScores {
        guard !actions.isEmpty else { return baseline }
        return RepairScores(
            benign: try accuracy(actions, clean, cleanLabels, cleanCorrect),
            adversarial: try accuracy(actions, adversarial, adversarialLabels, adversarialCorrect))
    }

    private func accuracy(_ actions: [NodeAction], _ values: Tensor, _ labels: [Int], _ baseCorrect: [Bool]) throws -> Double {
        guard !labels.isEmpty else { return 0 }
        var changedRows: [Int] = [], changedValues: [Float] = []
        values.values.withUnsafeBufferPointer { buffer in
            for row in 0..<labels.count {
                let base = row * width
                guard actions.contains(where: { $0.apply(buffer[base + $0.node]) != buffer[base + $0.node] }) else { continue }
                var acted = Array(buffer[base..<(base + width)])
                for action in actions { acted[action.node] = action.apply(acted[action.node]) }
                changedRows.append(row)
                changedValues += acted
            }
        }
        var correct = baseCorrect.reduce(0) { $0 + ($1 ? 1 : 0) }
        guard !changedRows.isEmpty else { return Double(correct) / Double(labels.count) }
        let changed = Tensor(shape: [changedRows.count] + values.shape.dropFirst(), values: changedValues)
        let now = try Self.correct(session, changed, changedRows.map { labels[$0] })
        for (row, isCorrect) in zip(changedRows, now) {
            correct += (isCorrect ? 1 : 0) - (baseCorrect[row] ? 1 : 0)
        }
        return Double(correct) / Double(labels.count)
    }

    /// Whether the arg-max of each row's output is its label, a batch at a time.
    static func correct(_ session: InferenceSession, _ values: Tensor, _ labels: [Int], batchSize: Int = 2048) throws -> [Bool] {
        var result: [Bool] = []
        result.reserveCapacity(labels.count)
        for start in stride(from: 0, to: labels.count, by: batchSize) {
            let range = start..<min(labels.count, start + batchSize)
            let output = try session.run(values.batchSlice(range))
            let classes = output.count / max(range.count, 1)
            for (offset, label) in labels[range].enumerated() {
                let row = output.values[(offset * classes)..<((offset + 1) * classes)]
                let predicted = row.indices.max { row[$0] < row[$1] }.map { $0 - offset * classes } ?? -1
                result.append(predicted == label)
            }
        }
        return result
    }

    private static func share(_ flags: [Bool]) -> Double {
        flags.isEmpty ? 0 : Double(flags.reduce(0) { $0 + ($1 ? 1 : 0) }) / Double(flags.count)
    }
}
