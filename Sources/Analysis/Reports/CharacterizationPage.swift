import Foundation
import Mustache

/// `deepprov characterize --html F`: one self-contained page (inline SVG, no script, nothing
/// fetched) of a characterization. This type lays the pictures out as numbers; the markup lives
/// in one Mustache template (`CharacterizationPage+Template.swift`).
public enum CharacterizationPage {
    /// The page; `values` are the per-trace measures behind the report (`traceMeasureValues`),
    /// `top` is how many divergent nodes each layer lists.
    public static func render(_ report: Characterization, values: [TraceMeasureValues], top: Int) throws -> String {
        var library = MustacheLibrary()
        try library.register(Self.chart, named: "chart")
        try library.register(Self.template, named: "page")
        return library.render(CharacterizationView(report: report, values: values, top: top), withTemplate: "page") ?? ""
    }
}

/// What the template reads: every position, size, colour and printed number already made.
struct CharacterizationView {
    struct Row { var name: String; var a: String; var b: String; var diff: String }
    struct Rect { var x: Int; var y: Int; var width: Int; var height: Int; var fill: String; var title: String }
    struct Label { var x: Int; var y: Int; var text: String }
    /// One SVG: rectangles and labels in a `width` × `height` box.
    struct Chart { var title: String; var width: Int; var height: Int; var rects: [Rect]; var labels: [Label] }
    struct NodeRow { var node: String; var cells: [String] }
    struct LayerView {
        var heading: String
        var measures: [Row]
        var distributions: [Chart]
        var heatMap: Chart
        var divergent: Chart
        var nodeHeader: [String]
        var nodes: [NodeRow]
        var edgeHeader: [String]
        var edges: [NodeRow]
        var hasEdges: Bool
    }

    var title: String
    var summary: [String]
    var layers: [LayerView]

    static let colourA = "#1f77b4", colourB = "#ff7f0e"

    init(report: Characterization, values: [TraceMeasureValues], top: Int) {
        title = "Characterization: '\(report.a)' (a) against '\(report.b)' (b)"
        summary = ["model \(report.model)", report.pairing,
                   "a in blue, b in orange; heat maps blue for positive values, red for negative, white at zero"]
        layers = report.layers.map { layer in
            let number = Self.number
            var measures = [("traces", layer.traces), ("mean", layer.mean), ("stddev", layer.stddev), ("active share", layer.freq),
                            ("min", layer.min), ("max", layer.max), ("dispersion", layer.dispersion),
                            ("entropy (bits), mean over traces", layer.entropy), ("active nodes, mean over traces", layer.active)]
                .map { Row(name: $0.0, a: number($0.1.a), b: number($0.1.b), diff: number($0.1.diff)) }
            if let distance = layer.pairedDistance {
                measures.append(Row(name: "distance from the parent (mean, \(distance.pairs) pairs)", a: number(distance.mean), b: "", diff: ""))
            }
            let divergentNodes = layer.mostDivergentNodes(top)
            let perTrace = values.first { $0.layer == layer.layer }
            let paired = report.paired
            return LayerView(
                heading: "Layer \(layer.layer) (\(layer.name), \(layer.kind), \(layer.nodeCount) nodes)",
                measures: measures,
                distributions: [
                    Self.histogram("node means", of: "nodes", a: layer.nodes.compactMap(\.mean.a), b: layer.nodes.compactMap(\.mean.b)),
                    Self.histogram("node activation frequencies", of: "nodes", a: layer.nodes.compactMap(\.freq.a), b: layer.nodes.compactMap(\.freq.b)),
                ] + (perTrace.map { values in [
                    Self.histogram("entropy per trace (bits)", of: "traces", a: values.entropyA, b: values.entropyB),
                    Self.histogram("active nodes per trace", of: "traces", a: values.activeA, b: values.activeB),
                ] } ?? []),
                heatMap: Self.heatMap(layer),
                divergent: Self.pairedBars(divergentNodes.map { ("\(layer.layer):\($0.node)", $0.mean.a ?? 0, $0.mean.b ?? 0) }),
                nodeHeader: ["node", "mean a", "mean b", "a − b", "freq a", "freq b", "stddev a", "stddev b", "dispersion a", "dispersion b", "effect"]
                    + (paired ? ["paired distance"] : []),
                nodes: divergentNodes.map { node in
                    NodeRow(node: "\(layer.layer):\(node.node)", cells: [node.mean.a, node.mean.b, node.mean.diff, node.freq.a, node.freq.b, node.stddev.a,
                                                                          node.stddev.b, node.dispersion.a, node.dispersion.b, node.effect].map(number)
                        + (paired ? [number(node.paired?.distance)] : []))
                },
                edgeHeader: ["edge", "mean a", "mean b", "a − b", "stddev a", "stddev b"],
                edges: (layer.edges ?? []).map { edge in
                    NodeRow(node: "\(edge.source) → \(edge.target)", cells: [edge.mean.a, edge.mean.b, edge.mean.diff, edge.stddev.a, edge.stddev.b].map(number))
                },
                hasEdges: !(layer.edges ?? []).isEmpty)
        }
    }

    /// Histograms of two sets of numbers (of `unit`: nodes, traces) side by side over the same 20 bins.
    static func histogram(_ title: String, of unit: String, a: [Double], b: [Double]) -> Chart {
        let values = a + b, bins = 20, width = 420, height = 160, plotTop = 10, plotHeight = 120
        let low = values.min() ?? 0, high = values.max() ?? 1, span = max(high - low, .leastNonzeroMagnitude)
        let count = { (set: [Double]) -> [Int] in
            var counts = Array(repeating: 0, count: bins)
            for value in set { counts[min(bins - 1, Int(Double(bins) * (value - low) / span))] += 1 }
            return counts
        }
        let countsA = count(a), countsB = count(b), largest = max(1, (countsA + countsB).max() ?? 1)
        let binWidth = (width - 20) / bins
        var rects: [Rect] = []
        for bin in 0..<bins {
            for (offset, counts, fill) in [(0, countsA, colourA), (binWidth / 2, countsB, colourB)] {
                let barHeight = max(counts[bin] > 0 ? 1 : 0, plotHeight * counts[bin] / largest)
                let from = low + span * Double(bin) / Double(bins), to = low + span * Double(bin + 1) / Double(bins)
                rects.append(Rect(x: 10 + bin * binWidth + offset, y: plotTop + plotHeight - barHeight, width: binWidth / 2, height: barHeight,
                                  fill: fill, title: "\(fill == colourA ? "a" : "b"): \(counts[bin]) \(unit) in [\(number(from)), \(number(to)))"))
            }
        }
        let labels = [Label(x: 10, y: height - 12, text: number(low)), Label(x: width - 70, y: height - 12, text: number(high))]
        return Chart(title: "\(title): a (blue) and b (orange), \(unit) per bin", width: width, height: height, rects: rects, labels: labels)
    }

    /// Nodes × {a, b, a − b}: the node means, a and b on one scale, the difference on its own.
    static func heatMap(_ layer: LayerCharacterization) -> Chart {
        let cell = max(2, min(14, 840 / max(1, layer.nodes.count))), rowHeight = 18, left = 44
        let scale = max(layer.nodes.flatMap { [abs($0.mean.a ?? 0), abs($0.mean.b ?? 0)] }.max() ?? 0, .leastNonzeroMagnitude)
        let differenceScale = max(layer.nodes.map { abs($0.mean.diff ?? 0) }.max() ?? 0, .leastNonzeroMagnitude)
        var rects: [Rect] = []
        for (row, (name, value, largest)) in [("a", { (node: NodeCharacterization) in node.mean.a }, scale),
                                              ("b", { $0.mean.b }, scale), ("a − b", { $0.mean.diff }, differenceScale)].enumerated() {
            for (column, node) in layer.nodes.enumerated() {
                let mean = value(node)
                rects.append(Rect(x: left + column * cell, y: row * rowHeight, width: cell, height: rowHeight - 2,
                                  fill: mean.map { diverging($0 / largest) } ?? "#ccc", title: "\(layer.layer):\(node.node) \(name): \(number(mean))"))
            }
        }
        let labels = ["a", "b", "a − b"].enumerated().map { Label(x: 0, y: $0.offset * rowHeight + 12, text: $0.element) }
        return Chart(title: "node means per node (columns: nodes 0 to \(layer.nodes.count - 1))",
                     width: left + cell * max(1, layer.nodes.count), height: 3 * rowHeight, rects: rects, labels: labels)
    }

    /// A pair of bars per node (a above b), lengths the means on one scale from a zero line.
    static func pairedBars(_ nodes: [(name: String, a: Double, b: Double)]) -> Chart {
        let largest = max(nodes.flatMap { [abs($0.a), abs($0.b)] }.max() ?? 0, .leastNonzeroMagnitude)
        let zero = 300, half = 220, rowHeight = 26
        var rects: [Rect] = [], labels: [Label] = []
        for (row, node) in nodes.enumerated() {
            labels.append(Label(x: 0, y: row * rowHeight + 16, text: node.name))
            for (offset, value, fill, set) in [(2, node.a, colourA, "a"), (13, node.b, colourB, "b")] {
                let length = max(1, Int(Double(half) * abs(value) / largest))
                rects.append(Rect(x: value >= 0 ? zero : zero - length, y: row * rowHeight + offset, width: length, height: 10, fill: fill,
                                  title: "\(node.name) mean \(set): \(number(value))"))
            }
        }
        return Chart(title: "the nodes whose mean differs most: mean a (blue) and b (orange), zero at the middle",
                     width: 2 * zero, height: max(rowHeight, rowHeight * nodes.count), rects: rects, labels: labels)
    }

    /// Blue for positive, red for negative, white at zero; `share` in −1…1.
    static func diverging(_ share: Double) -> String {
        let fade = Int(255 * (1 - min(1, abs(share))))
        return share >= 0 ? "rgb(\(fade),\(fade),255)" : "rgb(255,\(fade),\(fade))"
    }

    /// Whole numbers (counts) as they are, others to 4 significant digits.
    static func number(_ value: Double?) -> String { value.map { $0 == $0.rounded() && abs($0) < 1e9 ? String(Int($0)) : String(format: "%.4g", $0) } ?? "–" }
}
