import ArgumentParser
import Engine
import Foundation

/// `deepprov attack`: make adversarial inputs for a model and save them as NPY.
struct AttackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attack",
        abstract: "Make L∞ adversarial inputs (fgsm, pgd, bim, square) and save them as NPY.",
        discussion: """
            The adversarial inputs are in the model's input space (after --scale/--shift): capture \
            them without --scale/--shift. Beside --out go <stem>.parents.npy (the index of the clean \
            input each came from) and <stem>.labels.npy (their true labels).
            """)

    @OptionGroup var source: ModelInputOptions

    @Option(help: "fgsm, pgd, bim or square.")
    var attack: AttackKind

    @Option(parsing: .unconditional, help: "L∞ budget ε, in the model's input space.", transform: NumberArgument.finiteNonNegative)
    var eps: Float

    @Option(parsing: .unconditional, help: "Step size of pgd/bim (default 2.5·ε / iterations).", transform: NumberArgument.finitePositive)
    var step: Float?

    @Option(parsing: .unconditional, help: "Steps of pgd/bim (default 10) or queries of square (default 300).", transform: NumberArgument.positiveInteger)
    var iterations: Int?

    @Flag(help: "Start bim from a random point of the ε-ball (pgd always does).")
    var randomStart = false

    @Option(help: "Gradient of fgsm/pgd/bim: exact (the model's own) or bpda (node actions inserted by repair as identity).")
    var backwardPass: BackwardPass = .exact

    @Option(help: "Seed for random starts and square proposals.")
    var seed: UInt64 = 1

    @OptionGroup var clip: ClipRangeOptions

    @Option(help: "Where to write the adversarial inputs (.npy).")
    var out: String

    @Flag(help: "No progress display.")
    var quiet = false

    func validate() throws {
        guard out.hasSuffix(".npy") else { throw ValidationError("--out must name a .npy file") }
        guard attack != .square || backwardPass == .exact else {
            throw ValidationError("--backward-pass bpda applies to gradient attacks (fgsm, pgd, bim); square uses no gradient")
        }
    }

    func run() throws {
        let session = try source.loadSession()
        let dataset = try source.data.load()
        let labels = try source.data.requireLabels(dataset, for: "attack")
        let clean = dataset.features
        let range = clip.range(of: clean.values)
        let options = AttackOptions(
            kind: attack, epsilon: eps, step: step, iterations: iterations, randomStart: randomStart, seed: seed,
            clipMin: range.min, clipMax: range.max, backwardPass: backwardPass)
        let progress = ProgressReporter(label: attack.rawValue, total: dataset.count, quiet: quiet)
        let outcome = try AdversarialAttack(session: session, options: options)
            .run(clean, labels: labels, batchSize: source.batchSize) { progress.update(done: $0) }
        progress.finish()
        let stem = String(out.dropLast(4))
        try NPYWriter.write(outcome.adversarial, to: out)
        try NPYWriter.write(integers: Array(0..<dataset.count), to: stem + ".parents.npy")
        try NPYWriter.write(integers: labels, to: stem + ".labels.npy")
        let summary = "\(attack.rawValue) ε=\(eps) in [\(options.clipMin), \(options.clipMax)] on \(dataset.count) inputs in \(String(format: "%.2f", progress.elapsed)) s: "
            + "accuracy \(percent(outcome.cleanAccuracy)) → \(percent(outcome.adversarialAccuracy)), attack success rate \(percent(outcome.successRate)); "
            + "wrote \(out), \(stem).parents.npy, \(stem).labels.npy"
        FileHandle.standardError.write(Data((summary + "\n").utf8))
    }
}

extension AttackKind: ExpressibleByArgument {}
extension BackwardPass: ExpressibleByArgument {}
