extension Layer {
    /// Which nodes are active in `values` (this layer's values for one trace): a node is
    /// active when some element's absolute value exceeds the layer's threshold.
    public func activeNodes(in values: some Collection<Float>) -> [Bool] {
        precondition(values.count == valueCount, "layer \(index) holds \(valueCount) values, got \(values.count)")
        return Self.activeNodes(in: values, nodeSize: nodeSize, threshold: threshold)
    }

    /// The same rule for callers that know only a layer's node size and threshold (the store's
    /// SQL functions): one flag per `nodeSize` consecutive values. Inlinable, so callers in other
    /// modules get it specialised for their collection (generic calls cost 9% of a scan).
    @inlinable
    public static func activeNodes(in values: some Collection<Float>, nodeSize: Int, threshold: Float) -> [Bool] {
        var active = [Bool](repeating: false, count: values.count / nodeSize)
        var position = values.startIndex
        for node in active.indices {
            for _ in 0..<nodeSize {
                if abs(values[position]) > threshold { active[node] = true }
                position = values.index(after: position)
            }
        }
        return active
    }
}
