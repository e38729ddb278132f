/// A node's value as the store's statistics see it: the mean of its elements (a unit's
/// value, a channel map's mean).
enum NodeValues {
    /// One mean per `nodeSize` consecutive values.
    static func means(_ values: [Float], nodeSize: Int) -> [Double] {
        values.withUnsafeBufferPointer { buffer in
            (0..<(buffer.count / nodeSize)).map { node in
                var sum = 0.0
                for position in (node * nodeSize)..<((node + 1) * nodeSize) { sum += Double(buffer[position]) }
                return sum / Double(nodeSize)
            }
        }
    }
}
