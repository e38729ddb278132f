/// What `RobustnessEvaluation` measured, with every setting and seed it used. Field names are
/// those of `deepprov evaluate --format json` (snake case).
public struct RobustnessReport: Sendable, Codable, Equatable {
    /// Inputs classified right out of inputs scored.
    public struct Score: Sendable, Codable, Equatable {
        public var inputs: Int
        public var correct: Int
        public var accuracy: Double

        public init(inputs: Int, correct: Int) {
            self.inputs = inputs
            self.correct = correct
            accuracy = inputs > 0 ? Double(correct) / Double(inputs) : 0
        }

        init(predictions: [Int], labels: [Int]) {
            self.init(inputs: labels.count, correct: zip(predictions, labels).filter { $0 == $1 }.count)
        }

        init(flags: [Bool]) {
            self.init(inputs: flags.count, correct: flags.filter { $0 }.count)
        }
    }

    /// Adversarial inputs made on another model (the original) and scored on this one.
    public struct Transfer: Sendable, Codable, Equatable {
        public var attack: String
        /// Steps of pgd/bim, queries of square (1 for fgsm).
        public var iterations: Int
        public var step: Float?
        public var randomStart: Bool
        public var seed: UInt64
        /// On the model the inputs were made on.
        public var onSource: Score
        public var score: Score
        public var seconds: Double
    }

    /// One iterative attack with the evaluated model's own gradient or with BPDA's.
    public struct SteppedAttack: Sendable, Codable, Equatable {
        public var backwardPass: String
        /// Right on the clean input and after every step.
        public var robustAtEveryStep: Score
        /// Accuracy on the clean inputs (index 0) and after each step.
        public var accuracyPerStep: [Double]
    }

    /// The adaptive attack: sign-gradient steps from the clean input (no random start), once with
    /// the exact gradient and once with BPDA; robust means surviving both at every step.
    public struct Adaptive: Sendable, Codable, Equatable {
        public var steps: Int
        public var step: Float
        public var randomStart: Bool
        public var exact: SteppedAttack
        public var bpda: SteppedAttack
        public var robustToBoth: Score
        public var seconds: Double
    }

    /// The gradient-free Square attack on the first inputs.
    public struct Square: Sendable, Codable, Equatable {
        public var queries: Int
        public var seed: UInt64
        /// Benign accuracy on the same inputs.
        public var benign: Score
        public var score: Score
        public var seconds: Double
    }

    public var attack: String
    public var epsilon: Float
    public var clipMin: Float
    public var clipMax: Float
    /// The seed every random part used (transfer pgd start, square proposals).
    public var seed: UInt64
    public var benign: Score
    public var transfer: Transfer?
    public var adaptive: Adaptive?
    public var square: Square?
}
