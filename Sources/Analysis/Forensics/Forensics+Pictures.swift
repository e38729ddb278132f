import IPG
import Store

/// What the forensics page draws beyond the report's numbers: the inputs of the trace, its
/// parent and its neighbours, each input feature's total flow into the predicted and the true
/// class, and the contribution of every edge on the strongest paths.
public struct ForensicsPictures: Sendable {
    /// Layer 0 of a trace, by trace id.
    public var inputs: [Int64: [Double]]
    /// Per class drawn (the predicted, then the true one when it differs), each input
    /// feature's total flow into it.
    public var inputFlows: [(class: Int, flows: [Double])]
    /// The contribution of each edge on the report's paths, by `"source->target"` (`layer:node`).
    public var edgeContributions: [String: Double]
}

extension Forensics {
    /// The pictures' data for `report` (made by `report(for:)` on this backend).
    public func pictures(for report: ForensicsReport) throws -> ForensicsPictures {
        let subject = try ForensicsSubject.read(.id(report.trace), from: backend)
        var ids = [report.trace] + report.nearest.trueClass.map(\.trace) + report.nearest.predictedClass.map(\.trace)
        if let parent = report.parent { ids.append(parent.trace) }
        var inputs: [Int64: [Double]] = [:]
        for id in Set(ids) {
            if let values = try backend.nodeValues(trace: id, layer: 0) { inputs[id] = values }
        }
        var flows: [(class: Int, flows: [Double])] = []
        var contributions: [String: Double] = [:]
        if let graph = try? DenseFlowGraph(topology: subject.topology, nodeValues: subject.nodeValues) {
            let classes = [report.predicted] + (report.label.map { $0 == report.predicted ? [] : [$0] } ?? [])
            for leadsInto in classes {
                flows.append((leadsInto, graph.totalFlows(from: NodeID(layer: subject.outputLayer, index: leadsInto))))
            }
            for path in report.paths {
                let nodes = path.nodes.compactMap(NodeID.init(text:))
                for (target, source) in zip(nodes, nodes.dropFirst()) {
                    contributions["\(source)->\(target)"] = graph.contribution(from: source.index, into: target)
                }
            }
        }
        return ForensicsPictures(inputs: inputs, inputFlows: flows, edgeContributions: contributions)
    }
}

extension NodeID {
    /// A node written `layer:node`.
    init?(text: String) {
        let parts = text.split(separator: ":")
        guard parts.count == 2, let layer = Int(parts[0]), let index = Int(parts[1]) else { return nil }
        self.init(layer: layer, index: index)
    }
}
