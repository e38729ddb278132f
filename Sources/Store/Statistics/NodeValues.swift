/// A node's value as the store's statistics see it: the mean of its elements (a unit's
/// value, a channel map's mean).
enum NodeValues {
    /// One mean per `nodeSize` consecutive values: each sum starts from +0.0, so a node of one
    /// element −0.0 has the value +0.0 (the fast path for units keeps that).
    static func means(_ values: [Float], nodeSize: Int) -> [Double] {
        let count = values.count / nodeSize
        return values.withUnsafeBufferPointer { buffer in
            [Double](unsafeUninitializedCapacity: count) { means, initialized in
                if nodeSize == 1 {
                    for node in 0..<count { means[node] = 0.0 + Double(buffer[node]) }
                } else {
                    for node in 0..<count {
                        var sum = 0.0
                        for position in (node * nodeSize)..<((node + 1) * nodeSize) { sum += Double(buffer[position]) }
                        means[node] = sum / Double(nodeSize)
                    }
                }
                initialized = count
            }
        }
    }
}
