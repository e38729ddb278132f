import IPG

/// Graphviz DOT: one cluster per layer, left to right; node labels show the value (or the
/// map's mean), edges are blue when positive and red when negative, thicker when larger.
enum DOTWriter {
    static func render(_ graph: InferenceProvenanceGraph, topology: ModelTopology) -> String {
        let largest = graph.edges.map { abs($0.weight) }.max() ?? 1
        var out = "digraph \"ipg\" {\n  rankdir=LR;\n  node [shape=circle, fontsize=9];\n"
        out += "  label=\"\(topology.name) · tag \(graph.metadata.tag) · input \(graph.metadata.inputIndex) · predicted \(graph.metadata.predictedLabel)\";\n"
        let byLayer = Dictionary(grouping: graph.nodes, by: \.id.layer)
        for layer in topology.layers {
            guard let nodes = byLayer[layer.index] else { continue }
            out += "  subgraph \"cluster_\(layer.index)\" {\n    label=\"\(layer.index): \(layer.kind.rawValue) \(layer.name)\";\n"
            for node in nodes {
                let shown = node.value.reduce(0, +) / Float(max(node.value.count, 1))
                let mark = node.value.count > 1 ? "μ " : ""
                out += "    \"\(node.id)\" [label=\"\(node.id.index)\\n\(mark)\(shortText(shown))\"];\n"
            }
            out += "  }\n"
        }
        for edge in graph.edges {
            let width = 0.2 + 3 * Double(abs(edge.weight) / max(largest, .leastNonzeroMagnitude))
            let color = edge.weight >= 0 ? "#1f77b4" : "#d62728"
            out += "  \"\(edge.source)\" -> \"\(edge.target)\" [contribution=\(GraphNumber.text(edge.weight)), tooltip=\"\(GraphNumber.text(edge.weight))\", penwidth=\(String(format: "%.2f", width)), color=\"\(color)\"];\n"
        }
        return out + "}\n"
    }

    private static func shortText(_ value: Float) -> String {
        String(format: "%.3g", Double(value))
    }
}
