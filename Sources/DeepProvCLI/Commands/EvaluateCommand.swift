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
        let (session, dataset) = try source.load()
        let labels = try source.data.requireLabels(dataset, for: "evaluate")
        let batchSize = source.effectiveBatchSize(for: session)
        var predicted: [Int] = []
        predicted.reserveCapacity(dataset.count)
        let clock = ContinuousClock()
        var forward = Duration.zero
        var start = 0
        while start < dataset.count {
            let end = min(start + batchSize, dataset.count)
            let batch = dataset.features.batchSlice(start..<end)
            var prediction: Prediction?
            forward += try clock.measure { prediction = try session.predict(batch) }
            predicted += prediction!.labels
            start = end
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
