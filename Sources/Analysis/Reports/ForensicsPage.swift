import Foundation
import Mustache

/// `deepprov forensics --html F`: one self-contained page (inline SVG, no script, nothing
/// fetched) of a forensic report. This type lays the pictures out as numbers; the markup lives
/// in one Mustache template (`ForensicsPage+Template.swift`).
public enum ForensicsPage {
    public static func render(_ report: ForensicsReport, pictures: ForensicsPictures) throws -> String {
        let template = try MustacheTemplate(string: Self.template)
        return template.render(PageView(report: report, pictures: pictures))
    }
}

/// What the template reads: every position, size and colour already computed.
struct PageView {
    struct Cell { var x: Int; var y: Int; var size: Int; var fill: String; var title: String }
    struct Picture { var title: String; var side: Int; var cells: [Cell] }
    struct Node { var x: Int; var y: Int; var name: String; var textX: Int }
    struct Line { var x1: Int; var y1: Int; var x2: Int; var y2: Int; var width: String; var colour: String; var title: String }
    struct Bar { var y: Int; var width: Int; var x: Int; var fill: String; var name: String; var z: String; var textY: Int }
    struct LayerBars { var layer: Int; var height: Int; var bars: [Bar] }

    var title: String
    var summary: [String]
    var graphWidth: Int
    var graphHeight: Int
    var nodes: [Node]
    var edges: [Line]
    var paths: [String]
    var heatMaps: [Picture]
    var outlierLayers: [LayerBars]
    var neighbours: [Picture]
    var parentPictures: [Picture]
    var parentText: [String]
    var hasParent: Bool
    var hasImages: Bool

    init(report: ForensicsReport, pictures: ForensicsPictures) {
        title = "Forensics of trace \(report.trace) (input \(report.input), tag \(report.tag))"
        let label = report.label.map(String.init) ?? "unknown"
        summary = ["label \(label), predicted \(report.predicted), confidence \(Self.number(report.confidence))"]
        if let runnerUp = report.runnerUp, let margin = report.margin, let probability = report.probabilityMargin {
            summary.append("runner-up \(runnerUp): margin \(Self.number(margin)) in logits, \(Self.number(probability)) in probability")
        }
        paths = report.paths.map { "into class \($0.class): \($0.nodes.joined(separator: " ← ")) (flow \(Self.number($0.flow)))" }

        // The paths' graph: one column per layer, input on the left, output on the right.
        let layersOnPaths = report.paths.flatMap { $0.nodes.compactMap { Int($0.split(separator: ":")[0]) } }
        let deepest = layersOnPaths.max() ?? 0
        var rows: [Int: [String]] = [:]
        for path in report.paths {
            for node in path.nodes where !(rows[Int(node.split(separator: ":")[0])!]?.contains(node) ?? false) {
                rows[Int(node.split(separator: ":")[0])!, default: []].append(node)
            }
        }
        var place: [String: (x: Int, y: Int)] = [:]
        for (layer, names) in rows {
            for (row, name) in names.sorted(by: { $0.localizedStandardCompare($1) == .orderedAscending }).enumerated() {
                place[name] = (40 + layer * 170, 30 + row * 34)
            }
        }
        graphWidth = 120 + deepest * 170
        graphHeight = 40 + 34 * max(1, rows.values.map(\.count).max() ?? 1)
        nodes = place.sorted { $0.key < $1.key }.map { Node(x: $0.value.x, y: $0.value.y, name: $0.key, textX: $0.value.x + 9) }
        let strongest = pictures.edgeContributions.values.map(abs).max() ?? 1
        edges = pictures.edgeContributions.sorted { $0.key < $1.key }.compactMap { key, contribution in
            let ends = key.components(separatedBy: "->")
            guard ends.count == 2, let source = place[ends[0]], let target = place[ends[1]] else { return nil }
            return Line(x1: source.x, y1: source.y, x2: target.x, y2: target.y,
                        width: String(format: "%.2f", 0.5 + 7.5 * abs(contribution) / max(strongest, .leastNonzeroMagnitude)),
                        colour: contribution >= 0 ? "#2166ac" : "#b2182b", title: "\(key): contribution \(Self.number(contribution))")
        }

        // Images: layer 0 drawn as a square when it is one (28 × 28 for Fashion-MNIST).
        let side = pictures.inputs[report.trace].map { Int(Double($0.count).squareRoot()) } ?? 0
        hasImages = side > 1 && side * side == pictures.inputs[report.trace]?.count
        heatMaps = hasImages ? pictures.inputFlows.map { Self.heatMap("each input feature's total flow into class \($0.class)", $0.flows, side: side, cell: 6) } : []
        let thumbnail = { (title: String, id: Int64) -> Picture? in
            guard let values = pictures.inputs[id], values.count == side * side else { return nil }
            return Self.grey(title, values, side: side, cell: 3)
        }
        neighbours = hasImages ? (report.nearest.trueClass.map { ("class \(label): trace \($0.trace), distance \(Self.number($0.distance))", $0.trace) }
            + report.nearest.predictedClass.map { ("class \(report.predicted): trace \($0.trace), distance \(Self.number($0.distance))", $0.trace) })
            .compactMap { thumbnail($0.0, $0.1) } : []

        // Outliers: per layer, a bar per node, its length |z|.
        let largest = report.outliers.compactMap { $0.z.map(abs) }.max() ?? 1
        outlierLayers = Dictionary(grouping: report.outliers, by: \.layer).sorted { $0.key < $1.key }.map { layer, nodes in
            LayerBars(layer: layer, height: 24 * nodes.count + 10, bars: nodes.enumerated().map { row, node in
                let z = node.z ?? 0, width = Int(300 * abs(z) / max(largest, .leastNonzeroMagnitude))
                return Bar(y: 5 + 24 * row, width: max(1, width), x: 70, fill: z >= 0 ? "#2166ac" : "#b2182b",
                           name: "\(node.layer):\(node.node)", z: "z \(Self.number(z)), value \(Self.number(node.value))", textY: 20 + 24 * row)
            })
        }

        parentPictures = []
        parentText = []
        hasParent = report.parent != nil
        if let parent = report.parent {
            parentText = ["clean parent: trace \(parent.trace), distance \(Self.number(parent.distance)) in layer \(report.nearest.layer)",
                          "per layer: " + parent.layers.map { "\($0.layer): \(Self.number($0.distance))" }.joined(separator: ", "),
                          "strongest paths part at " + (parent.partingLayer.map { "layer \($0)" } ?? "no layer (the same path)")]
            if hasImages, let mine = thumbnail("this input (trace \(report.trace))", report.trace),
               let theirs = thumbnail("its clean parent (trace \(parent.trace))", parent.trace),
               let a = pictures.inputs[report.trace], let b = pictures.inputs[parent.trace] {
                parentPictures = [mine, theirs, Self.heatMap("the difference", zip(a, b).map { $0 - $1 }, side: side, cell: 3)]
            }
        }
    }

    /// Blue for positive, red for negative, white at zero; scaled by the largest |value|.
    static func heatMap(_ title: String, _ values: [Double], side: Int, cell: Int) -> Picture {
        let scale = max(values.map(abs).max() ?? 1, .leastNonzeroMagnitude)
        return Picture(title: title, side: side * cell, cells: values.enumerated().map { index, value in
            let t = abs(value) / scale, fade = Int(255 * (1 - t))
            let fill = value >= 0 ? "rgb(\(fade),\(fade),255)" : "rgb(255,\(fade),\(fade))"
            return Cell(x: (index % side) * cell, y: (index / side) * cell, size: cell, fill: fill, title: number(value))
        })
    }

    /// Grey levels from the smallest value (black) to the largest (white).
    static func grey(_ title: String, _ values: [Double], side: Int, cell: Int) -> Picture {
        let low = values.min() ?? 0, range = max((values.max() ?? 1) - low, .leastNonzeroMagnitude)
        return Picture(title: title, side: side * cell, cells: values.enumerated().map { index, value in
            let level = Int(255 * (value - low) / range)
            return Cell(x: (index % side) * cell, y: (index / side) * cell, size: cell, fill: "rgb(\(level),\(level),\(level))", title: number(value))
        })
    }

    static func number(_ value: Double) -> String { String(format: "%.4g", value) }
}
