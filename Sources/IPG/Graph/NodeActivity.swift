extension Layer {
    /// Which nodes are active in `values` (this layer's values for one trace): a node is
    /// active when some element's absolute value exceeds the layer's threshold.
    public func activeNodes(in values: some Collection<Float>) -> [Bool] {
        precondition(values.count == valueCount, "layer \(index) holds \(valueCount) values, got \(values.count)")
        var active = [Bool](repeating: false, count: nodeCount)
        let size = nodeSize
        var position = values.startIndex
        for node in 0..<nodeCount {
            for _ in 0..<size {
                if abs(values[position]) > threshold { active[node] = true }
                position = values.index(after: position)
            }
        }
        return active
    }
}
