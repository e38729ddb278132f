import ArgumentParser
import IPG

/// The formats one IPG can be exported in.
enum GraphFormat: String, ExpressibleByArgument, CaseIterable {
    case nodeLink = "node-link"
    case graphml
    case dot

    func render(_ graph: InferenceProvenanceGraph, topology: ModelTopology) -> String {
        switch self {
        case .nodeLink: return NodeLinkWriter.render(graph, topology: topology)
        case .graphml: return GraphMLWriter.render(graph, topology: topology)
        case .dot: return DOTWriter.render(graph, topology: topology)
        }
    }
}

/// Number formatting shared by the graph writers: shortest round-trip text.
enum GraphNumber {
    static func text(_ value: Float) -> String {
        value.isFinite ? "\(value)" : (value.isNaN ? "NaN" : (value > 0 ? "INF" : "-INF"))
    }

    /// JSON has no NaN or infinity: they become null.
    static func json(_ value: Float) -> String {
        value.isFinite ? "\(value)" : "null"
    }
}
