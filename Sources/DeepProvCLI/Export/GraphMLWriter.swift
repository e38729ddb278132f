import IPG

/// GraphML: node attributes `layer`, `index`, `value` (a number, or space-separated numbers
/// for a map); edge attribute `weight`.
enum GraphMLWriter {
    static func render(_ graph: InferenceProvenanceGraph, topology: ModelTopology) -> String {
        var out = """
        <?xml version="1.0" encoding="UTF-8"?>
        <graphml xmlns="http://graphml.graphdrawing.org/xmlns">
          <key id="layer" for="node" attr.name="layer" attr.type="int"/>
          <key id="index" for="node" attr.name="index" attr.type="int"/>
          <key id="value" for="node" attr.name="value" attr.type="string"/>
          <key id="weight" for="edge" attr.name="weight" attr.type="double"/>
          <graph id="\(escape("\(graph.metadata.tag):\(graph.metadata.inputIndex)"))" edgedefault="directed">

        """
        for node in graph.nodes {
            let value = node.value.map(GraphNumber.text).joined(separator: " ")
            out += "    <node id=\"\(node.id)\"><data key=\"layer\">\(node.id.layer)</data><data key=\"index\">\(node.id.index)</data><data key=\"value\">\(value)</data></node>\n"
        }
        for (number, edge) in graph.edges.enumerated() {
            out += "    <edge id=\"e\(number)\" source=\"\(edge.source)\" target=\"\(edge.target)\"><data key=\"weight\">\(GraphNumber.text(edge.weight))</data></edge>\n"
        }
        out += "  </graph>\n</graphml>\n"
        return out
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
