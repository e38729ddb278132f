/// Recognizing node actions that `applyingNodeActions` inserted, so that BPDA can treat them
/// as identity (the backward pass of the original network).
extension ModelGraph {
    /// The names of the Where nodes that select between a value and its acted version — the
    /// pattern `Where(Less(Abs(x − b), β), x − α·(x − b), x)` that `applyingNodeActions`
    /// inserts; in each, `x` is the value the action replaces.
    public var nodeActionSelections: Set<String> {
        var producers: [String: GraphNode] = [:]
        for node in nodes {
            for output in node.outputs { producers[output] = node }
        }
        func producer(of value: String, _ opType: String, inputs count: Int) -> GraphNode? {
            guard let node = producers[value], node.opType == opType, node.inputs.count == count else { return nil }
            return node
        }
        var selections = Set<String>()
        for node in nodes where node.opType == "Where" && node.inputs.count == 3 {
            let original = node.inputs[2]
            guard let inside = producer(of: node.inputs[0], "Less", inputs: 2),
                let distance = producer(of: inside.inputs[0], "Abs", inputs: 1),
                let offset = producer(of: distance.inputs[0], "Sub", inputs: 2), offset.inputs[0] == original,
                let pulled = producer(of: node.inputs[1], "Sub", inputs: 2), pulled.inputs[0] == original,
                let pull = producer(of: pulled.inputs[1], "Mul", inputs: 2), pull.inputs[1] == offset.outputs[0]
            else { continue }
            selections.insert(node.name)
        }
        return selections
    }
}
