/// Two sets of traces (by tag) compared layer by layer, node by node and edge by edge
/// (`deepprov characterize`, DEEPPROV.md §2). Every number comes from a query in DeepProv's
/// language (`CharacterizationQueries`). JSON keys are snake_case.
public struct Characterization: Codable, Sendable, Equatable {
    /// The first set's tag (`_a` in the queries) and the second's (`_b`); differences are a − b.
    public var a: String
    public var b: String
    public var model: String
    /// Whether `b` is the tag of `a`'s parents: then the paired measures are filled in.
    public var paired: Bool
    /// Why the paired measures are there or not, in words.
    public var pairing: String
    /// Edges kept per dense layer: the most divergent by |mean difference|.
    public var edgesPerLayer: Int
    public var layers: [LayerCharacterization]
}

/// One measure over both sets and its difference (a − b); nil where the set has no value
/// (a dispersion over a zero mean, a measure of no traces).
public struct Compared: Codable, Sendable, Equatable {
    public var a: Double?
    public var b: Double?
    public var diff: Double?

    public init(a: Double?, b: Double?, diff: Double?) {
        self.a = a
        self.b = b
        self.diff = diff
    }

    /// Missing values are written as null, so every comparison has the same three keys.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(a, forKey: .a)
        try container.encode(b, forKey: .b)
        try container.encode(diff, forKey: .diff)
    }
}

/// A measure of a trace (entropy, active nodes) summarized over one set's traces.
public struct OverTraces: Codable, Sendable, Equatable {
    public var mean: Double?
    public var stddev: Double?
    public var min: Double?
    public var max: Double?

    /// Missing values are written as null, as in `Compared`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(mean, forKey: .mean)
        try container.encode(stddev, forKey: .stddev)
        try container.encode(min, forKey: .min)
        try container.encode(max, forKey: .max)
    }
}

/// One layer: its pooled values, its per-trace measures, its nodes and its most divergent edges.
public struct LayerCharacterization: Codable, Sendable, Equatable {
    public var layer: Int
    public var name: String
    public var kind: String
    public var nodeCount: Int
    /// Traces per set.
    public var traces: Compared
    /// Over every value of the layer's nodes pooled: mean, population stddev, the share of
    /// active nodes, min, max, and dispersion (pooled variance over pooled mean).
    public var mean: Compared
    public var stddev: Compared
    public var freq: Compared
    public var min: Compared
    public var max: Compared
    public var dispersion: Compared
    /// The Shannon entropy (bits) of the layer's |values| as a distribution, per trace
    /// (0 when the layer is silent): per set over its traces.
    public var entropyA: OverTraces
    public var entropyB: OverTraces
    /// Active nodes per trace: per set over its traces.
    public var activeA: OverTraces
    public var activeB: OverTraces
    /// The mean of `entropy` and `active` per trace, compared.
    public var entropy: Compared
    public var active: Compared
    /// Paired only: the Euclidean distance of the layer's values from the parent's, over
    /// the traces of `a` made from `b`.
    public var pairedDistance: PairedDistance?
    public var nodes: [NodeCharacterization]
    /// Dense layers only: the edges into it whose mean contribution differs most.
    public var edges: [EdgeCharacterization]?
}

/// Per trace distances from the parent, summarized.
public struct PairedDistance: Codable, Sendable, Equatable {
    public var pairs: Int
    public var mean: Double?
    public var stddev: Double?
    public var min: Double?
    public var max: Double?
}

/// One node over both sets.
public struct NodeCharacterization: Codable, Sendable, Equatable {
    public var node: Int
    /// The share of traces in which the node is active.
    public var freq: Compared
    public var mean: Compared
    /// Population standard deviation.
    public var stddev: Compared
    public var min: Compared
    public var max: Compared
    /// Variance over mean across the set's traces.
    public var dispersion: Compared
    /// Cohen's d: the difference of means over the pooled sample standard deviation.
    public var effect: Double?
    /// Paired only: the traces of `a` against their own parents in `b`.
    public var paired: PairedNode?
}

/// One node, each trace of `a` against its parent.
public struct PairedNode: Codable, Sendable, Equatable {
    public var pairs: Int
    /// The mean of (value − parent's value).
    public var meanDifference: Double?
    /// d_z: that mean over the differences' sample standard deviation.
    public var effect: Double?
    /// The mean and the largest |value − parent's value|.
    public var distance: Double?
    public var maxDistance: Double?
}

/// One dense edge (`source` → `target`, written `layer:node`): its contribution, weight ×
/// source value, over both sets.
public struct EdgeCharacterization: Codable, Sendable, Equatable {
    public var source: String
    public var target: String
    public var mean: Compared
    public var stddev: Compared
}

extension LayerCharacterization {
    /// The `count` nodes whose mean differs most between the sets (|a − b|), largest first.
    public func mostDivergentNodes(_ count: Int) -> [NodeCharacterization] {
        Array(nodes.sorted { abs($0.mean.diff ?? 0) > abs($1.mean.diff ?? 0) || (abs($0.mean.diff ?? 0) == abs($1.mean.diff ?? 0) && $0.node < $1.node) }
            .prefix(count))
    }
}
