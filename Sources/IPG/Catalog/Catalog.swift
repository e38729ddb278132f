/// What a query may name: the models of a store (with their layers) and the tags of its
/// traces. The store builds it; the query compiler resolves names against it, so the compiler
/// can be tested with a hand-built catalog.
public struct Catalog: Sendable, Equatable {
    public struct Model: Sendable, Equatable {
        public var fingerprint: String
        public var name: String
        public var layers: [Layer]

        public init(fingerprint: String, name: String, layers: [Layer]) {
            self.fingerprint = fingerprint
            self.name = name
            self.layers = layers
        }
    }

    public struct Layer: Sendable, Equatable {
        public var index: Int
        public var name: String
        public var kind: LayerKind
        public var nodeCount: Int
        public var nodeSize: Int
        /// How the layer's edges are derived; nil when the store names a rule this build does
        /// not know (edge queries then refuse the layer).
        public var edgeRule: EdgeRuleKind?
        /// How the layer's values are kept: node queries work at any resolution; edges into
        /// or out of the layer, and lineages through it, need its full map (or a derived one).
        public var resolution: LayerResolution
        /// The layers feeding it (every source of a merge layer); empty when not known.
        public var sources: [Int]

        /// `edgeRule` starts as the usual rule of `kind` (a store sets the recorded one).
        public init(
            index: Int, name: String, kind: LayerKind, nodeCount: Int, nodeSize: Int,
            resolution: LayerResolution = .full, sources: [Int] = []
        ) {
            self.index = index
            self.name = name
            self.kind = kind
            self.nodeCount = nodeCount
            self.nodeSize = nodeSize
            self.edgeRule = EdgeRuleKind.usual(for: kind)
            self.resolution = resolution
            self.sources = sources
        }

        /// Whether queries derive the edges into this layer: a known rule they handle, or a
        /// merge layer (Add/Sum, Concat) whose first source's rule is an addend's or a
        /// concatenation's (queries read every source from the store's `layer_sources`).
        public var hasQueryableEdges: Bool {
            guard let edgeRule else { return false }
            if kind.isMerge { return edgeRule == .channelScale || edgeRule == .concat }
            return edgeRule.isQueryable
        }
    }

    public var models: [Model]
    /// Trace tags, sorted.
    public var tags: [String]
    /// The tags some of whose traces have a parent (adversarial copies of clean inputs),
    /// sorted; nil when not known, and then not checked.
    public var tagsWithParents: [String]?

    public init(models: [Model], tags: [String], tagsWithParents: [String]? = nil) {
        self.models = models
        self.tags = tags
        self.tagsWithParents = tagsWithParents
    }
}

extension Catalog.Model {
    /// The first layer among `layers` and their sources kept at summary resolution (whose map
    /// edges need), or nil when every one is full or derived.
    public func summarisedLayer(among layers: [Int]) -> Catalog.Layer? {
        let involved = layers.filter(self.layers.indices.contains).flatMap { [$0] + self.layers[$0].sources }
        return involved.sorted().lazy.filter(self.layers.indices.contains).map { self.layers[$0] }.first { $0.resolution == .summary }
    }
}
