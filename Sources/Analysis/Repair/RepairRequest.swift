import Foundation

/// Which kinds of repair to run.
public enum RepairActions: String, Sendable, Codable, CaseIterable {
    case node, edge, both
    /// Not a repair: the baseline a skeptic asks for, adversarial fine-tuning of every
    /// parameter with the same data and epochs as edge repair.
    case wholeModel = "whole-model"
}

/// The attack edge repair regenerates its training inputs with, each epoch, from the mining
/// inputs against the model being repaired (ε `--repair-eps`).
public enum RepairAttack: String, Sendable, Codable, CaseIterable {
    /// One signed-gradient step of ε.
    case fgsm
    /// Ten signed-gradient steps of ε/4 from the clean input (the adaptive attack's shape).
    case bim
    /// Every mining input twice, once with each.
    case mixed
}

/// What a repair is asked to do (`deepprov repair`'s flags): recorded with the repair.
public struct RepairRequest: Sendable, Codable, Equatable {
    /// The fingerprint of the model to repair (its traces and bytes are in the store).
    public var modelFingerprint: String
    public var cleanTag: String
    public var adversarialTag: String
    public var actions: RepairActions
    /// IPG layers to repair; nil: every hidden vector layer (node actions), every dense
    /// layer (edge repair).
    public var layers: [Int]?
    /// Share of clean inputs (with their adversarial children) held out for validation.
    public var validationFraction: Double
    public var seed: UInt64
    /// Largest allowed drop of validation benign accuracy, in percentage points.
    public var maxBenignDrop: Double
    /// Edge repair's budget of changed weight entries, in percent (edge repair only).
    public var maxWeightChange: Double
    /// Edge repair (and the whole-model baseline): fine-tuning epochs, the ε of the inputs
    /// regenerated against the model being repaired, and Adam's learning rate.
    public var epochs: Int
    public var repairEpsilon: Float
    public var learningRate: Float
    /// The attack that regenerates edge repair's training inputs.
    public var repairAttack: RepairAttack
    /// ε of the adaptive attack (10 steps of ε/4 from the clean input, exact gradient and BPDA)
    /// that edge repair's epochs and `--actions both`'s candidates are scored against on the
    /// validation part.
    public var adaptiveEpsilon: Float
    /// The range attacks clip inputs to; nil: the range of the stored inputs.
    public var clipMin: Float?
    public var clipMax: Float?

    public init(modelFingerprint: String, cleanTag: String, adversarialTag: String, actions: RepairActions = .both,
                layers: [Int]? = nil, validationFraction: Double = 0.2, seed: UInt64 = 0,
                maxBenignDrop: Double = 1.0, maxWeightChange: Double = 10, epochs: Int = 24, repairEpsilon: Float = 0.1,
                learningRate: Float = 2e-4, repairAttack: RepairAttack = .fgsm, adaptiveEpsilon: Float = 0.2, clipMin: Float? = nil, clipMax: Float? = nil) {
        self.modelFingerprint = modelFingerprint
        self.cleanTag = cleanTag
        self.adversarialTag = adversarialTag
        self.actions = actions
        self.layers = layers
        self.validationFraction = validationFraction
        self.seed = seed
        self.maxBenignDrop = maxBenignDrop
        self.maxWeightChange = maxWeightChange
        self.epochs = epochs
        self.repairEpsilon = repairEpsilon
        self.learningRate = learningRate
        self.repairAttack = repairAttack
        self.adaptiveEpsilon = adaptiveEpsilon
        self.clipMin = clipMin
        self.clipMax = clipMax
    }

    /// The defaults of every field but the model and tags (what the CLI's options default to).
    public static let defaults = RepairRequest(modelFingerprint: "", cleanTag: "", adversarialTag: "")

    /// Reads requests recorded before the edge-repair fields existed with their defaults.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = Self.defaults
        modelFingerprint = try container.decode(String.self, forKey: .modelFingerprint)
        cleanTag = try container.decode(String.self, forKey: .cleanTag)
        adversarialTag = try container.decode(String.self, forKey: .adversarialTag)
        actions = try container.decode(RepairActions.self, forKey: .actions)
        layers = try container.decodeIfPresent([Int].self, forKey: .layers)
        validationFraction = try container.decode(Double.self, forKey: .validationFraction)
        seed = try container.decode(UInt64.self, forKey: .seed)
        maxBenignDrop = try container.decode(Double.self, forKey: .maxBenignDrop)
        maxWeightChange = try container.decode(Double.self, forKey: .maxWeightChange)
        epochs = try container.decodeIfPresent(Int.self, forKey: .epochs) ?? defaults.epochs
        repairEpsilon = try container.decodeIfPresent(Float.self, forKey: .repairEpsilon) ?? defaults.repairEpsilon
        learningRate = try container.decodeIfPresent(Float.self, forKey: .learningRate) ?? defaults.learningRate
        repairAttack = try container.decodeIfPresent(RepairAttack.self, forKey: .repairAttack) ?? .fgsm
        adaptiveEpsilon = try container.decodeIfPresent(Float.self, forKey: .adaptiveEpsilon) ?? defaults.adaptiveEpsilon
        clipMin = try container.decodeIfPresent(Float.self, forKey: .clipMin)
        clipMax = try container.decodeIfPresent(Float.self, forKey: .clipMax)
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
        if !(1...1000).contains(epochs) { return "--epochs must be between 1 and 1000, got \(epochs)" }
        if !(repairEpsilon > 0 && repairEpsilon.isFinite) { return "--repair-eps must be a positive number, got \(repairEpsilon)" }
        if !(adaptiveEpsilon > 0 && adaptiveEpsilon.isFinite) { return "--adaptive-eps must be a positive number, got \(adaptiveEpsilon)" }
        if !(learningRate > 0 && learningRate.isFinite) { return "--learning-rate must be a positive number, got \(learningRate)" }
        if let clipMin, !clipMin.isFinite { return "--clip-min must be a finite number, got \(clipMin)" }
        if let clipMax, !clipMax.isFinite { return "--clip-max must be a finite number, got \(clipMax)" }
        if let clipMin, let clipMax, !(clipMin < clipMax) { return "--clip-min (\(clipMin)) must be below --clip-max (\(clipMax))" }
        return nil
    }
}
