import ArgumentParser
import Engine
import Foundation

/// `deepprov evaluate`: accuracy, per-class accuracy and the confusion matrix of a model.
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Measure a model's accuracy on labelled inputs.")

    @OptionGroup var source: ModelInputOptions

    @Option(help: "table or json.")
    var format: ReportFormat = .table

    func validate() throws {
        guard source.data.hasLabels else {
            throw ValidationError("evaluate needs true labels: --labels FILE or --label-column for CSV inputs")
        }
    }

    func run() throws {
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
