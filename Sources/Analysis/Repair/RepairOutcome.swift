import Engine

/// One accepted step of the search, with its scores on both parts.
public struct RepairStep: Sendable, Codable, Equatable {
    /// "layer 2" (the search on one layer) or "across layers".
    public var stage: String
    public var change: String
    public var mining: RepairScores
    public var validation: RepairScores
}

/// The node actions chosen for one IPG layer.
public struct LayerNodeActions: Sendable, Codable, Equatable {
    public var layer: Int
    /// The graph value the actions follow (the layer's values after its activation).
    public var valueName: String
    public var width: Int
    public var actions: [NodeAction]
}

/// A node considered for actions, as mined from the mining part: its divergence and its two
/// benign targets.
public struct NodeCandidate: Sendable, Codable, Equatable {
    public var node: Int
    public var divergence: Double
    public var mean: Float
    public var mode: Float
}

/// The best repair of one layer on its own (the "single layer" result) and the variant
/// (target, strength α, window β_l) it was found with.
public struct SingleLayerResult: Sendable, Codable, Equatable {
    public var layer: Int
    public var target: BenignTarget
    public var strength: Float
    /// β_l in units of the layer's pooled benign standard deviation, and as a value.
    public var windowInDeviations: Float
    public var window: Float
    public var actions: [NodeAction]
    public var mining: RepairScores
    public var validation: RepairScores
    /// The nodes the search considered, most divergent first (chosen from mining alone).
    public var candidates: [NodeCandidate]
}

/// What a node-action repair did: recorded in the store and printed by the CLI.
public struct NodeRepairOutcome: Sendable, Codable, Equatable {
    public var originalFingerprint: String
    public var repairedFingerprint: String
    public var cleanTag: String
    public var adversarialTag: String
    public var seed: UInt64
    public var validationFraction: Double
    /// Inputs per part: clean and adversarial, mining and validation.
    public var miningClean: Int
    public var miningAdversarial: Int
    public var validationClean: Int
    public var validationAdversarial: Int
    /// Original model's accuracy on each part.
    public var originalMining: RepairScores
    public var originalValidation: RepairScores
    /// The repaired model's.
    public var repairedMining: RepairScores
    public var repairedValidation: RepairScores
    /// The lowest validation benign accuracy the search allowed (original − budget).
    public var benignFloor: Double
    public var layers: [LayerNodeActions]
    public var singleLayer: [SingleLayerResult]
    public var steps: [RepairStep]
    /// What the repair chose not to do, and why.
    public var notes: [String]

    /// Node actions in all layers.
    public var actionCount: Int { layers.reduce(0) { $0 + $1.actions.count } }
}
