/// What `ProvenanceBackend`'s forensic reads take and give: where a trace is, one class's node
/// statistics, and an exact nearest-neighbour search. Each backend answers them its own way
/// (SQLite from its statistics tables and value-block norms, ClickHouse by array functions over
/// its stored values); forensics (in Analysis) asks only these.

/// Which traces to locate: one by its id, or every model's trace of a tag and input index.
public enum TraceLookup: Sendable, Equatable {
    case id(Int64)
    case address(tag: String, inputIndex: Int)
}

/// Where a trace is: its address, its model, the first trace at its address (the one the
/// store reads by tag and input) and its parent's.
public struct TraceLocation: Sendable, Equatable {
    public var id: Int64
    public var tag: String
    public var inputIndex: Int
    public var modelFingerprint: String
    /// The smallest id among its model's traces with its tag and input index.
    public var firstID: Int64
    /// The smallest id among its model's traces at its parent's tag and input index; nil when
    /// it has no parent or the store does not hold it.
    public var parentID: Int64?

    public init(id: Int64, tag: String, inputIndex: Int, modelFingerprint: String, firstID: Int64, parentID: Int64?) {
        self.id = id
        self.tag = tag
        self.inputIndex = inputIndex
        self.modelFingerprint = modelFingerprint
        self.firstID = firstID
        self.parentID = parentID
    }
}

/// One node's values over a set of traces: how many, their mean and the sum of squared
/// deviations from it (`m2`; the population variance is `m2 / count`).
public struct NodeClassStatistics: Sendable, Equatable {
    public var layer: Int
    public var node: Int
    public var count: Int
    public var mean: Double
    public var m2: Double

    public init(layer: Int, node: Int, count: Int, mean: Double, m2: Double) {
        self.layer = layer
        self.node = node
        self.count = count
        self.mean = mean
        self.m2 = m2
    }
}

/// The exact `count` nearest traces to a point, by Euclidean distance of the node values
/// (each node's elements' mean) of one layer, among the correctly classified traces of one
/// model whose true label is one of `classes` (any tag), one trace left out. Ties go to the
/// smaller id.
public struct NearestTraceRequest: Sendable, Equatable {
    public var modelFingerprint: String
    public var layer: Int
    /// The point: one value per node of the layer.
    public var point: [Double]
    public var classes: [Int]
    public var count: Int
    public var excluding: Int64
    /// A speed setting where a backend searches in steps (SQLite: traces decoded in the first
    /// step, twice as many each next one); the neighbours are exact whatever it is.
    public var chunk: Int

    public init(modelFingerprint: String, layer: Int, point: [Double], classes: [Int], count: Int, excluding: Int64, chunk: Int = 1024) {
        self.modelFingerprint = modelFingerprint
        self.layer = layer
        self.point = point
        self.classes = classes
        self.count = count
        self.excluding = excluding
        self.chunk = chunk
    }
}

/// A trace and its distance to a point.
public struct TraceDistance: Sendable, Equatable {
    public var id: Int64
    public var distance: Double

    public init(id: Int64, distance: Double) {
        self.id = id
        self.distance = distance
    }

    /// Nearer first; equal distances by id.
    public static func precedes(_ a: TraceDistance, _ b: TraceDistance) -> Bool {
        (a.distance, a.id) < (b.distance, b.id)
    }
}
