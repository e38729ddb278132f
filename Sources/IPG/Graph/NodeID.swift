/// Address of one node: its layer and its index within the layer.
public struct NodeID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var layer: Int
    public var index: Int

    public init(layer: Int, index: Int) {
        self.layer = layer
        self.index = index
    }

    public static func < (lhs: NodeID, rhs: NodeID) -> Bool {
        (lhs.layer, lhs.index) < (rhs.layer, rhs.index)
    }

    /// `"<layer>:<index>"`, the id used in every export format.
    public var description: String { "\(layer):\(index)" }
}

/// A weighted edge of an IPG.
public struct Edge: Hashable, Sendable {
    public var source: NodeID
    public var target: NodeID
    public var weight: Float

    public init(source: NodeID, target: NodeID, weight: Float) {
        self.source = source
        self.target = target
        self.weight = weight
    }
}
