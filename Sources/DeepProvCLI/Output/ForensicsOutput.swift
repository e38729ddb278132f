import Analysis
import Foundation

/// A forensic report as `deepprov forensics` and the REPL's `.forensics` print it.
enum ForensicsOutput {
    /// The contract: one JSON object (README, "Forensics").
    static func json(_ report: ForensicsReport) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return String(decoding: try encoder.encode(report), as: UTF8.self)
    }

    /// For a person: a few short sections.
    static func text(_ report: ForensicsReport) -> String {
        var out = "trace \(report.trace): input \(report.input) of tag '\(report.tag)'\n"
        let label = report.label.map { "\($0)" } ?? "unknown"
        let verdict = report.label.map { $0 == report.predicted ? "correct" : "WRONG" } ?? "no label"
        out += "  label \(label), predicted \(report.predicted) (\(verdict)), confidence \(number(report.confidence))\n"
        if let runnerUp = report.runnerUp, let margin = report.margin, let probability = report.probabilityMargin {
            out += "  runner-up \(runnerUp): margin \(number(margin)) in logits, \(number(probability)) in probability\n"
        }
        out += "\nstrongest paths (output <- … <- input feature, flow)\n"
        if report.paths.isEmpty { out += "  none: paths follow dense layers only\n" }
        for path in report.paths {
            out += "  into class \(path.class): \(path.nodes.joined(separator: " <- "))  flow \(number(path.flow))\n"
        }
        out += "\nnodes far from the '\(report.cleanTag)' traces of class \(label) (z; z against the predicted class)\n"
        if report.outliers.isEmpty { out += "  none (no label, or no spread among those traces)\n" }
        for node in report.outliers { out += "  " + describe(node) + "\n" }
        if !report.likePredicted.isEmpty {
            out += "\nnodes that look like class \(report.predicted) instead\n"
            for node in report.likePredicted { out += "  " + describe(node) + "\n" }
        }
        out += "\nnearest correctly classified traces in layer \(report.nearest.layer) (trace: distance)\n"
        out += "  class \(label): " + neighbours(report.nearest.trueClass) + "\n"
        out += "  class \(report.predicted): " + neighbours(report.nearest.predictedClass) + "\n"
        if let parent = report.parent {
            out += "\nclean parent: trace \(parent.trace), distance \(number(parent.distance)) in layer \(report.nearest.layer)\n"
            out += "  per layer: " + parent.layers.map { "\($0.layer): \(number($0.distance))" }.joined(separator: ", ") + "\n"
            out += "  strongest paths part at: " + (parent.partingLayer.map { "layer \($0)" } ?? "nowhere (the same path)") + "\n"
            out += "  largest paired differences (node: value vs parent)\n"
            for difference in parent.differences {
                out += "    \(difference.layer):\(difference.node)  \(number(difference.value)) vs \(number(difference.parentValue))  (\(number(difference.difference)))\n"
            }
        }
        return out
    }

    private static func describe(_ node: NodeDeviation) -> String {
        "\(node.layer):\(node.node)  value \(number(node.value))  z \(node.z.map(number) ?? "-")  z predicted \(node.zPredicted.map(number) ?? "-")"
    }

    private static func neighbours(_ list: [Neighbour]) -> String {
        list.isEmpty ? "none" : list.map { "\($0.trace): \(number($0.distance))" }.joined(separator: ", ")
    }

    private static func number(_ value: Double) -> String { String(format: "%.4g", value) }
}
