import Engine
import Foundation

/// The honest evaluation of a (repaired) model against attacks, on held-out inputs: benign
/// accuracy; transfer (adversarial inputs made on the original, scored on this model);
/// adaptive (for gradient attacks: sign-gradient steps with this model's own gradient and with
/// BPDA's, from the clean input, an input robust only when it survives both at every step);
/// and Square (gradient-free) on the first inputs.
public struct RobustnessEvaluation {
    public struct Settings: Sendable {
        /// fgsm, pgd or bim: transfer with it and the adaptive attack; square: transfer with it
        /// and square on this model.
        public var attack: AttackKind
        public var epsilon: Float
        public var clipMin: Float
        public var clipMax: Float
        public var seed: UInt64
        public var adaptiveSteps: Int
        /// The adaptive attack's step (default ε/4).
        public var adaptiveStep: Float?
        /// Square runs on this many first inputs.
        public var squareInputs: Int
        public var queries: Int
        public var batchSize: Int

        public init(
            attack: AttackKind, epsilon: Float, clipMin: Float, clipMax: Float, seed: UInt64 = 1, adaptiveSteps: Int = 10,
            adaptiveStep: Float? = nil, squareInputs: Int = 1000, queries: Int = 1000, batchSize: Int = 128
        ) {
            self.attack = attack
            self.epsilon = epsilon
            self.clipMin = clipMin
            self.clipMax = clipMax
            self.seed = seed
            self.adaptiveSteps = adaptiveSteps
            self.adaptiveStep = adaptiveStep
            self.squareInputs = squareInputs
            self.queries = queries
            self.batchSize = batchSize
        }

        public var effectiveAdaptiveStep: Float { adaptiveStep ?? epsilon / 4 }

        /// What `deepprov attack --attack K --eps E --seed S` runs: its default steps and step for
        /// gradient attacks, `queries` queries for square.
        var transferOptions: AttackOptions {
            AttackOptions(
                kind: attack, epsilon: epsilon, iterations: attack == .square ? queries : nil, seed: seed,
                clipMin: clipMin, clipMax: clipMax)
        }

        func adaptiveOptions(_ pass: BackwardPass) -> AttackOptions {
            AttackOptions(
                kind: .bim, epsilon: epsilon, step: effectiveAdaptiveStep, iterations: adaptiveSteps, randomStart: false,
                seed: seed, clipMin: clipMin, clipMax: clipMax, backwardPass: pass)
        }
    }

    /// The parts of a run, for progress.
    public enum Stage: String, Sendable {
        case benign, transfer
        case adaptiveExact = "adaptive (exact gradient)"
        case adaptiveBPDA = "adaptive (bpda)"
        case square
    }

    public let model: InferenceSession
    /// The model transfer attacks are made on (none: no transfer).
    public let original: InferenceSession?
    public let settings: Settings

    public init(model: InferenceSession, original: InferenceSession?, settings: Settings) throws {
        guard settings.epsilon >= 0, settings.epsilon.isFinite else { throw EngineError("ε must be a non-negative number, got \(settings.epsilon)") }
        guard settings.adaptiveSteps > 0, settings.squareInputs > 0, settings.queries > 0 else {
            throw EngineError("adaptive steps, square inputs and queries must be positive")
        }
        self.model = model
        self.original = original
        self.settings = settings
    }

    /// Evaluates on `inputs` (`[N, …sample shape]`, in the model's input space) with true
    /// `labels`; `progress(stage, done, total)` after each batch.
    public func run(_ inputs: Tensor, labels: [Int], progress: (Stage, Int, Int) -> Void = { _, _, _ in }) throws -> RobustnessReport {
        let count = inputs.shape[0]
        guard labels.count == count else { throw EngineError("\(labels.count) labels for \(count) inputs") }
        let benign = try predictions(inputs) { progress(.benign, $0, count) }
        var report = RobustnessReport(
            attack: settings.attack.rawValue, epsilon: settings.epsilon, clipMin: settings.clipMin, clipMax: settings.clipMax,
            seed: settings.seed, benign: .init(predictions: benign, labels: labels))
        if settings.attack == .square {
            let first = min(settings.squareInputs, count)
            let subset = inputs.batchSlice(0..<first), subsetLabels = Array(labels[0..<first])
            report.transfer = try transfer(subset, labels: subsetLabels, progress: progress)
            report.square = try square(subset, labels: subsetLabels, benign: Array(benign[0..<first]), progress: progress)
        } else {
            report.transfer = try transfer(inputs, labels: labels, progress: progress)
            report.adaptive = try adaptive(inputs, labels: labels, progress: progress)
        }
        return report
    }

    private func predictions(_ inputs: Tensor, progress: (Int) -> Void) throws -> [Int] {
        var predicted: [Int] = []
        let samples = TensorSamples(inputs, labels: nil)
        try BatchLoop(session: model, requestedBatchSize: settings.batchSize).run(samples, progress: progress) { batch in
            predicted += try model.predict(model.shapeForInput(batch.features, source: "evaluate")).labels
        }
        return predicted
    }

    private func transfer(_ inputs: Tensor, labels: [Int], progress: (Stage, Int, Int) -> Void) throws -> RobustnessReport.Transfer? {
        guard let original else { return nil }
        let started = Date()
        let options = settings.transferOptions
        let made = try AdversarialAttack(session: original, options: options)
            .run(inputs, labels: labels, batchSize: settings.batchSize) { progress(.transfer, $0, labels.count) }
        let scored = try predictions(made.adversarial) { _ in }
        return .init(
            attack: options.kind.rawValue, iterations: options.kind == .fgsm ? 1 : options.iterations,
            step: options.kind == .pgd || options.kind == .bim ? options.effectiveStep : nil,
            randomStart: options.kind == .pgd, seed: options.seed,
            onSource: .init(predictions: made.adversarialPredictions, labels: labels),
            score: .init(predictions: scored, labels: labels), seconds: Date().timeIntervalSince(started))
    }

    /// The adaptive attack alone (what `run` reports as `adaptive`, and what `deepprov repair`
    /// scores its candidates and epochs with): `adaptiveSteps` sign-gradient steps from the
    /// clean input with this model's exact gradient and with BPDA's, an input robust only when
    /// it is right on the clean input and after every step of both.
    func adaptive(_ inputs: Tensor, labels: [Int], progress: (Stage, Int, Int) -> Void) throws -> RobustnessReport.Adaptive {
        let started = Date()
        func stepped(_ pass: BackwardPass, _ stage: Stage) throws -> (RobustnessReport.SteppedAttack, [Bool]) {
            let outcome = try AdversarialAttack(session: model, options: settings.adaptiveOptions(pass))
                .runRecordingSteps(inputs, labels: labels, batchSize: settings.batchSize) { progress(stage, $0, labels.count) }
            let robust = outcome.robustAtEveryStep
            let summary = RobustnessReport.SteppedAttack(
                backwardPass: pass.rawValue, robustAtEveryStep: .init(flags: robust),
                accuracyPerStep: (0...outcome.steps).map { outcome.accuracy(afterStep: $0) })
            return (summary, robust)
        }
        let (exact, exactRobust) = try stepped(.exact, .adaptiveExact)
        let (bpda, bpdaRobust) = try stepped(.bpda, .adaptiveBPDA)
        return .init(
            steps: settings.adaptiveSteps, step: settings.effectiveAdaptiveStep, randomStart: false, exact: exact, bpda: bpda,
            robustToBoth: .init(flags: zip(exactRobust, bpdaRobust).map { $0 && $1 }), seconds: Date().timeIntervalSince(started))
    }

    private func square(_ inputs: Tensor, labels: [Int], benign: [Int], progress: (Stage, Int, Int) -> Void) throws -> RobustnessReport.Square {
        let started = Date()
        let options = AttackOptions(
            kind: .square, epsilon: settings.epsilon, iterations: settings.queries, seed: settings.seed,
            clipMin: settings.clipMin, clipMax: settings.clipMax)
        let outcome = try AdversarialAttack(session: model, options: options)
            .run(inputs, labels: labels, batchSize: settings.batchSize) { progress(.square, $0, labels.count) }
        return .init(
            queries: settings.queries, seed: settings.seed, benign: .init(predictions: benign, labels: labels),
            score: .init(predictions: outcome.adversarialPredictions, labels: labels), seconds: Date().timeIntervalSince(started))
    }
}
