import Engine

/// How every repair scores a model on the validation part against an attack regenerated on
/// the model itself: `deepprov evaluate`'s adaptive attack (`RobustnessEvaluation.adaptive`,
/// the one implementation) — `steps` sign-gradient steps of ε/4 from the clean input, no random
/// start, with the model's exact gradient and with BPDA's — where an input counts as robust
/// only when it is right on the clean input and after every step of both. So the numbers a
/// repair records and prints mean what evaluate's mean.
struct AdaptiveValidation {
    /// Steps of the adaptive attack (each ε/4), as in the evaluation protocol.
    static let steps = 10

    let settings: RobustnessEvaluation.Settings

    init(epsilon: Float, clipMin: Float, clipMax: Float, seed: UInt64) {
        settings = RobustnessEvaluation.Settings(
            attack: .bim, epsilon: epsilon, clipMin: clipMin, clipMax: clipMax, seed: seed, adaptiveSteps: Self.steps, batchSize: 256)
    }

    /// The adaptive attack on `session` over `inputs` and their `labels`.
    func run(_ session: InferenceSession, _ inputs: Tensor, labels: [Int]) throws -> RobustnessReport.Adaptive {
        try RobustnessEvaluation(model: session, original: nil, settings: settings).adaptive(inputs, labels: labels) { _, _, _ in }
    }

    /// Benign accuracy and adaptive accuracy (robust to both at every step).
    func scores(_ session: InferenceSession, _ inputs: Tensor, labels: [Int]) throws -> RepairScores {
        let adaptive = try run(session, inputs, labels: labels)
        return RepairScores(benign: adaptive.exact.accuracyPerStep[0], adversarial: adaptive.robustToBoth.accuracy)
    }
}
