import Foundation

/// Which kinds of repair to run.
public enum RepairActions: String, Sendable, Codable, CaseIterable {
    case node, edge, both
}

/// What a repair is asked to do (`deepprov repair`'s flags): recorded with the repair.
public struct RepairRequest: Sendable, Codable, Equatable {
    /// The fingerprint of the model to repair (its traces and bytes are in the store).
    public var modelFingerprint: String
    public var cleanTag: String
    public var adversarialTag: String
    public var actions: RepairActions
    /// IPG layers to repair; nil: every hidden vector layer.
    public var layers: [Int]?
    /// Share of clean inputs (with their adversarial children) held out for validation.
    public var validationFraction: Double
    public var seed: UInt64
    /// Largest allowed drop of validation benign accuracy, in percentage points.
    public var maxBenignDrop: Double
    /// Edge repair's budget of changed weight entries, in percent (edge repair only).
    public var maxWeightChange: Double

    public init(modelFingerprint: String, cleanTag: String, adversarialTag: String, actions: RepairActions = .both,
                layers: [Int]? = nil, validationFraction: Double = 0.2, seed: UInt64 = 0,
                maxBenignDrop: Double = 1.0, maxWeightChange: Double = 10) {
        self.modelFingerprint = modelFingerprint
        self.cleanTag = cleanTag
        self.adversarialTag = adversarialTag
        self.actions = actions
        self.layers = layers
        self.validationFraction = validationFraction
        self.seed = seed
        self.maxBenignDrop = maxBenignDrop
        self.maxWeightChange = maxWeightChange
    }

    /// The first problem with the numbers, as a message naming the flag.
    public func validationProblem() -> String? {
        if !(validationFraction > 0 && validationFraction < 1) {
            return "--validation-fraction must be between 0 and 1 (exclusive), got \(validationFraction)"
        }
        if !(maxBenignDrop >= 0 && maxBenignDrop <= 100) {
            return "--max-benign-drop must be between 0 and 100 percentage points, got \(maxBenignDrop)"
        }
        if !(maxWeightChange >= 0 && maxWeightChange <= 100) {
            return "--max-weight-change must be between 0 and 100 percent, got \(maxWeightChange)"
        }
        if let layers, layers.isEmpty || layers.contains(where: { $0 < 1 }) {
            return "--layers must name hidden layers (1 or more), got \(layers.map(String.init).joined(separator: ","))"
        }
        return nil
    }
}
