/// What one weight matrix went through in an edge repair (or the whole-model baseline).
public struct EdgeLayerChange: Sendable, Codable, Equatable {
    public var layer: Int
    public var weightName: String
    public var entries: Int
    /// The entries the mask let training change (row-major in the weight's own layout);
    /// nil for the whole-model baseline, where every entry may change.
    public var selected: [Int]?
    /// Entries whose value differs from the original's.
    public var changed: Int
}

/// What an edge repair or the whole-model baseline did: recorded in the store and printed by
/// the CLI.
public struct EdgeRepairOutcome: Sendable, Codable, Equatable {
    /// `.edge`, or `.wholeModel` for the baseline (not a repair: every parameter may change).
    public var kind: RepairActions
    public var originalFingerprint: String
    public var repairedFingerprint: String
    public var cleanTag: String
    public var adversarialTag: String
    public var seed: UInt64
    public var validationFraction: Double
    public var miningClean: Int
    public var miningAdversarial: Int
    public var validationClean: Int
    public var validationAdversarial: Int
    /// Weight-matrix entries of every dense layer of the model: what the budget is a share of.
    public var weightEntries: Int
    /// Entries `--max-weight-change` allows (nil for the baseline).
    public var budget: Int?
    /// The weight matrices edited, in layer order.
    public var layers: [EdgeLayerChange]
    /// Weight-matrix entries that changed, over all layers, and as a percent of `weightEntries`.
    public var weightsChanged: Int
    public var weightsChangedPercent: Double
    /// Entries of other parameters (biases) that changed: 0 for edge repair.
    public var otherParametersChanged: Int
    public var epochs: Int
    public var repairEpsilon: Float
    /// The attack that regenerated the training inputs; nil in records made when it was always FGSM.
    public var repairAttack: RepairAttack?
    public var learningRate: Float
    public var clipMin: Float
    public var clipMax: Float
    /// ε of the adaptive attack epochs are scored with (`AdaptiveValidation`); nil in records
    /// made before epochs were scored that way (then against FGSM at `repairEpsilon`).
    public var adaptiveEpsilon: Float?
    /// Validation scores — benign, and against the adaptive attack regenerated on the model
    /// itself (right at every step) — of the original (first) and after each epoch.
    public var epochScores: [RepairScores]
    /// The epoch kept (1-based); nil when none raised adaptive accuracy within the benign budget.
    public var chosenEpoch: Int?
    /// Validation scores against the stored adversarial inputs (made on the original: transfer).
    public var originalValidation: RepairScores
    public var repairedValidation: RepairScores
    public var notes: [String]
}
