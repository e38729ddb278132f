import Analysis
import ArgumentParser
import Engine
import Foundation

/// `deepprov evaluate`: accuracy, per-class accuracy and the confusion matrix of a model; with
/// `--attack`, its robustness (benign, transfer from `--against`, adaptive, square).
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Measure a model's accuracy on labelled inputs, and with --attack its robustness.",
        discussion: """
            With --attack fgsm|pgd|bim: benign accuracy; transfer (the attack made on --against, as \
            `deepprov attack` makes it, scored on --model); adaptive (sign-gradient steps from the clean \
            input, no random start, with the model's own gradient and with BPDA; an input is robust only \
            when it is classified right at every step of both). With --attack square: benign accuracy, \
            and on the first --square-inputs inputs square with --queries queries (and its transfer from \
            --against). Every seed is in the output.
            """)

    @OptionGroup var source: ModelInputOptions

    @Option(help: "table or json.")
    var format: ReportFormat = .table

    @Option(help: "Evaluate robustness against fgsm, pgd, bim or square.")
    var attack: AttackKind?

    @Option(parsing: .unconditional, help: "L∞ budget ε of --attack, in the model's input space.", transform: NumberArgument.finiteNonNegative)
    var eps: Float?

    @Option(help: "The original model: transfer attacks are made on it.")
    var against: String?

    @Option(name: .customLong("adaptive-steps"), parsing: .unconditional, help: "Steps of the adaptive attack (default 10).", transform: NumberArgument.positiveInteger)
    var adaptiveSteps: Int = 10

    @Option(name: .customLong("adaptive-step"), parsing: .unconditional, help: "Step size of the adaptive attack (default ε/4).", transform: NumberArgument.finitePositive)
    var adaptiveStep: Float?

    @Option(name: .customLong("square-inputs"), parsing: .unconditional, help: "Square runs on the first N inputs (default 1000).", transform: NumberArgument.positiveInteger)
    var squareInputs: Int = 1000

    @Option(parsing: .unconditional, help: "Queries per input of square (default 1000).", transform: NumberArgument.positiveInteger)
    var queries: Int = 1000

    @Option(help: "Seed of the random parts (pgd's random start, square's proposals).")
    var seed: UInt64 = 1

    @OptionGroup var clip: ClipRangeOptions

    @Flag(help: "No progress display and no stage lines on standard error.")
    var quiet = false

    func validate() throws {
        guard source.data.hasLabels else {
            throw ValidationError("evaluate needs true labels: --labels FILE or --label-column for CSV inputs")
        }
        if attack == nil {
            guard eps == nil, against == nil, adaptiveStep == nil, !clip.isGiven else {
                throw ValidationError("--eps, --against, --adaptive-step, --clip-min and --clip-max need --attack")
            }
        } else if eps == nil {
            throw ValidationError("--attack needs --eps")
        }
    }

    func run() throws {
        if let attack, let eps {
            try runRobustness(attack: attack, epsilon: eps)
        } else {
            try runAccuracy()
        }
    }

    private func runAccuracy() throws {
        let session = try source.loadSession()
        let samples = try source.data.open()
        var labels: [Int] = [], predicted: [Int] = []
        labels.reserveCapacity(samples.count)
        predicted.reserveCapacity(samples.count)
        let clock = ContinuousClock()
        var forward = Duration.zero
        try BatchLoop(session: session, requestedBatchSize: source.batchSize).run(samples) { batch in
            let input = try session.shapeForInput(batch.features, source: source.data.inputs)
            let started = clock.now
            predicted += try session.predict(input).labels
            forward += clock.now - started
            labels += batch.labels ?? []
        }
        let report = AccuracyReport(labels: labels, predicted: predicted, forwardSeconds: forward.seconds)
        print(format == .json ? report.json() : report.table())
    }

    private func runRobustness(attack: AttackKind, epsilon: Float) throws {
        let session = try source.loadSession()
        let original = try against.map { path in try InferenceSession(model: Model.load(onnx: Model.readBytes(path: path), source: path)) }
        let dataset = try source.data.load()
        let labels = try source.data.requireLabels(dataset, for: "evaluate")
        let inputs = dataset.features
        let range = clip.range(of: inputs.values)
        let settings = RobustnessEvaluation.Settings(
            attack: attack, epsilon: epsilon, clipMin: range.min, clipMax: range.max,
            seed: seed, adaptiveSteps: adaptiveSteps, adaptiveStep: adaptiveStep, squareInputs: squareInputs, queries: queries,
            batchSize: source.batchSize)
        guard settings.clipMin < settings.clipMax else {
            throw ValidationError("clip range [\(settings.clipMin), \(settings.clipMax)] is empty")
        }
        let evaluation = try RobustnessEvaluation(model: session, original: original, settings: settings)
        var reporter: (stage: RobustnessEvaluation.Stage, progress: ProgressReporter)?
        let started = Date()
        let report = try evaluation.run(inputs, labels: labels) { stage, done, total in
            if reporter?.stage != stage {
                reporter?.progress.finish()
                if !quiet { note("\(stage.rawValue) on \(total) inputs  [\(String(format: "%.1f", Date().timeIntervalSince(started))) s]") }
                reporter = (stage, ProgressReporter(label: stage.rawValue, total: total, quiet: quiet))
            }
            reporter?.progress.update(done: done)
        }
        reporter?.progress.finish()
        if !quiet { note("done in \(String(format: "%.1f", Date().timeIntervalSince(started))) s") }
        let output = RobustnessOutput(model: source.model, against: against, inputs: source.data.inputs, report: report)
        print(format == .json ? try output.json() : output.table())
    }

    private func note(_ line: String) {
        FileHandle.standardError.write(Data("evaluate: \(line)\n".utf8))
    }
}

/// Output formats for reports.
enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
    case table
    case json
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double {
        let (whole, fraction) = components
        return Double(whole) + Double(fraction) * 1e-18
    }
}
