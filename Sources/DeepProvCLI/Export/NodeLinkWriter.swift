import Foundation
import IPG

/// networkx node-link JSON (`networkx.node_link_graph(data, edges="links")` reads it):
/// `nodes` with `id`, `layer`, `index`, `value` (a number for units, a list for maps);
/// `links` with `source`, `target`, `weight`; graph attributes describe the trace. A node of
/// a summarised layer has `value` (its mean), `max`, `active_share` and `resolution`
/// `"summary"`; `underived_edges` lists the layer pairs whose edges are left out, and why.
enum NodeLinkWriter {
    static func render(_ graph: InferenceProvenanceGraph, topology: ModelTopology) -> String {
        let metadata = graph.metadata
        var graphAttributes: [String] = [
            "\"model\": \(quote(topology.fingerprint))",
            "\"tag\": \(quote(metadata.tag))",
            "\"input_index\": \(metadata.inputIndex)",
            "\"input_hash\": \(quote(metadata.inputHash))",
            "\"predicted_label\": \(metadata.predictedLabel)",
            "\"confidence\": \(GraphNumber.json(metadata.confidence))",
        ]
        if let label = metadata.trueLabel { graphAttributes.append("\"true_label\": \(label)") }
        if let parent = metadata.parent {
            graphAttributes.append("\"parent\": {\"tag\": \(quote(parent.tag)), \"input_index\": \(parent.inputIndex)}")
        }
        if !graph.underivedEdges.isEmpty {
            let entries = graph.underivedEdges.map {
                "{\"source_layer\": \($0.sourceLayer), \"target_layer\": \($0.targetLayer), \"summarised_layer\": \($0.summarisedLayer), \"reason\": \(quote($0.description))}"
            }
            graphAttributes.append("\"underived_edges\": [\(entries.joined(separator: ", "))]")
        }
        var out = "{\"directed\": true, \"multigraph\": false, \"graph\": {\(graphAttributes.joined(separator: ", "))},\n\"nodes\": [\n"
        out += graph.nodes.map { node in
            if let summary = node.summary {
                return "{\"id\": \(quote(node.id.description)), \"layer\": \(node.id.layer), \"index\": \(node.id.index), \"value\": \(GraphNumber.json(summary.mean)), \"max\": \(GraphNumber.json(summary.maximum)), \"active_share\": \(GraphNumber.json(summary.activeShare)), \"resolution\": \"summary\"}"
            }
            let value = topology.layers[node.id.layer].nodeShape.isEmpty
                ? GraphNumber.json(node.value[0])
                : "[" + node.value.map(GraphNumber.json).joined(separator: ", ") + "]"
            return "{\"id\": \(quote(node.id.description)), \"layer\": \(node.id.layer), \"index\": \(node.id.index), \"value\": \(value)}"
        }.joined(separator: ",\n")
        out += "\n],\n\"links\": [\n"
        out += graph.edges.map { edge in
            "{\"source\": \(quote(edge.source.description)), \"target\": \(quote(edge.target.description)), \"weight\": \(GraphNumber.json(edge.weight))}"
        }.joined(separator: ",\n")
        out += "\n]}\n"
        return out
    }

    /// A JSON string literal.
    static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
