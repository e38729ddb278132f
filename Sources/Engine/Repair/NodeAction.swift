/// A node action (DEEPPROV.md §3) on one node of a layer's values: with `Δ = x − target`,
/// where `|Δ| < window` the value becomes `x − strength·Δ` (strength 1 replaces it by the
/// target); elsewhere it is left alone.
public struct NodeAction: Sendable, Equatable, Hashable, Codable {
    /// The node's position in the layer (a unit of a [N, units] value).
    public var node: Int
    /// The benign target b.
    public var target: Float
    /// α: how far the value moves toward the target (0 … 1).
    public var strength: Float
    /// β: the action applies only where |x − b| < β.
    public var window: Float

    public init(node: Int, target: Float, strength: Float, window: Float) {
        self.node = node
        self.target = target
        self.strength = strength
        self.window = window
    }

    /// The acted value, computed with the same float32 operations, in the same order, as
    /// the ONNX operators `applyingNodeActions` inserts (Sub, Abs, Less, Mul, Sub, Where).
    @inlinable
    public func apply(_ value: Float) -> Float {
        let offset = value - target
        return abs(offset) < window ? value - strength * offset : value
    }
}

/// The node actions of one layer, as constants per unit: unselected units have strength and
/// window 0, so the action leaves them alone.
public struct LayerActionConstants: Sendable, Equatable {
    public var targets: [Float]
    public var strengths: [Float]
    public var windows: [Float]

    /// The constants for `actions` on a layer of `width` units; fails on a node out of range,
    /// a node acted on twice, or a constant that is not finite.
    public init(actions: [NodeAction], width: Int) throws {
        targets = [Float](repeating: 0, count: width)
        strengths = [Float](repeating: 0, count: width)
        windows = [Float](repeating: 0, count: width)
        var seen = Set<Int>()
        for action in actions {
            guard (0..<width).contains(action.node) else {
                throw EngineError("node action on node \(action.node) of a layer of \(width) units")
            }
            guard seen.insert(action.node).inserted else {
                throw EngineError("two node actions on node \(action.node)")
            }
            guard action.target.isFinite, action.strength.isFinite, action.window.isFinite, action.window >= 0 else {
                throw EngineError("node action on node \(action.node) has a constant that is not finite (or a negative window): \(action)")
            }
            targets[action.node] = action.target
            strengths[action.node] = action.strength
            windows[action.node] = action.window
        }
    }
}
