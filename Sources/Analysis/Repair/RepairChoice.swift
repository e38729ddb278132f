import Foundation

/// One model `--actions both` considered, scored on the validation part.
public struct RepairCandidate: Sendable, Codable, Equatable {
    /// "original", "node" or "edge".
    public var name: String
    public var fingerprint: String
    /// Validation accuracy: clean; against the stored adversarial inputs (made on the
    /// original: transfer); and `deepprov evaluate`'s adaptive attack regenerated on the
    /// candidate itself (`AdaptiveValidation`): right at every step with its exact gradient,
    /// with BPDA's, and with both (the score that decides).
    public var benign: Double
    public var transfer: Double
    public var exactGradient: Double
    public var bpda: Double
    public var adaptive: Double
    /// Weight-matrix entries changed (node actions change none).
    public var weightsChanged: Int
    /// Whether benign accuracy stays within `--max-benign-drop` of the original's.
    public var withinBudget: Bool
}

/// What `--actions both` did: the node and edge repairs, every candidate's validation scores
/// and the one kept, with the reason.
public struct RepairChoice: Sendable, Codable, Equatable {
    public var chosen: String
    public var reason: String
    public var repairedFingerprint: String
    /// The adaptive attack: `steps` sign-gradient steps of ε/4 from the clean input (no random
    /// start), ε = `adaptiveEpsilon`, inputs clipped to the range; robust means right at every step.
    public var adaptiveEpsilon: Float
    public var steps: Int
    public var benignFloor: Double
    public var candidates: [RepairCandidate]
    public var node: NodeRepairOutcome
    public var edge: EdgeRepairOutcome
}
