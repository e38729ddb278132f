/// How capture chooses each layer's resolution: a policy for every layer, per-layer overrides,
/// and the budget of stored values per trace `auto` aims for.
///
/// Written as `POLICY[,LAYER=RESOLUTION…]`: `auto` (the default), `full` or `summary`, then
/// optional overrides naming a layer by name or index, e.g. `auto,conv1=full,7=summary`.
public struct ResolutionChoice: Sendable, Equatable {
    public enum Policy: String, Sendable, CaseIterable {
        /// Full maps while a trace's stored values fit the budget; past it, copies of a
        /// source left to be derived, then the largest channel layers summarised until it fits.
        case auto
        /// Every layer at full resolution (exact; every edge derivable).
        case full
        /// Every channel layer (more than one value per node) summarised, copies derived where
        /// their source is full; unit layers and the input full.
        case summary
    }

    /// One layer's resolution chosen by hand.
    public struct Override: Sendable, Equatable {
        /// A layer name or index.
        public var layer: String
        public var resolution: LayerResolution
    }

    /// Stored values per trace under which `auto` keeps every layer full.
    public static let defaultValueBudget = 100_000

    public var policy: Policy
    public var overrides: [Override]
    public var valueBudget: Int

    public init(policy: Policy = .auto, overrides: [Override] = [], valueBudget: Int = defaultValueBudget) {
        self.policy = policy
        self.overrides = overrides
        self.valueBudget = valueBudget
    }

    /// Parses `POLICY[,LAYER=RESOLUTION…]`.
    public init(parsing text: String, valueBudget: Int = defaultValueBudget) throws(ResolutionChoiceError) {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let policies = Policy.allCases.map(\.rawValue).joined(separator: ", ")
        guard let first = parts.first, let policy = Policy(rawValue: first) else {
            throw ResolutionChoiceError("'\(text)' does not start with a policy (\(policies))")
        }
        var overrides: [Override] = []
        for part in parts.dropFirst() {
            let pieces = part.split(separator: "=", omittingEmptySubsequences: false).map(String.init)
            let resolutions = LayerResolution.allCases.map(\.rawValue).joined(separator: ", ")
            guard pieces.count == 2, !pieces[0].isEmpty, let resolution = LayerResolution(rawValue: pieces[1]) else {
                throw ResolutionChoiceError("'\(part)' is not LAYER=RESOLUTION (a layer name or index; \(resolutions))")
            }
            overrides.append(Override(layer: pieces[0], resolution: resolution))
        }
        self.init(policy: policy, overrides: overrides, valueBudget: valueBudget)
    }

    /// Each layer's resolution for `topology`; throws when an override names no layer or asks
    /// for a resolution the layer cannot have.
    public func resolutions(for topology: ModelTopology) throws(ResolutionChoiceError) -> [LayerResolution] {
        var pinned: [Int: LayerResolution] = [:]
        for override in overrides {
            guard let layer = topology.layers.first(where: { $0.name == override.layer })
                    ?? Int(override.layer).flatMap({ topology.layers.indices.contains($0) ? topology.layers[$0] : nil })
            else {
                throw ResolutionChoiceError("no layer '\(override.layer)' in \(topology.name) (layers 0–\(topology.layers.count - 1): \(topology.layers.map(\.name).joined(separator: ", ")))")
            }
            pinned[layer.index] = override.resolution
        }
        var planner = ResolutionPlanner(topology: topology, pinned: pinned)
        switch policy {
        case .full: break
        case .summary: planner.summariseEveryChannelLayer()
        case .auto: planner.fit(valueBudget: valueBudget)
        }
        if let problem = topology.resolutionProblem(planner.resolutions) {
            throw ResolutionChoiceError(problem)
        }
        return planner.resolutions
    }
}

/// Why a resolution choice cannot be made (a message naming the layer or the bad text).
public struct ResolutionChoiceError: Error, Equatable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) { self.description = description }
}

/// Chooses resolutions layer by layer, leaving pinned layers as pinned.
struct ResolutionPlanner {
    let topology: ModelTopology
    let pinned: [Int: LayerResolution]
    private(set) var resolutions: [LayerResolution]

    init(topology: ModelTopology, pinned: [Int: LayerResolution]) {
        self.topology = topology
        self.pinned = pinned
        resolutions = topology.layers.map { pinned[$0.index] ?? .full }
        keepDerivedLayersDerivable()
    }

    /// Values stored per trace.
    var storedValueCount: Int {
        topology.layers.reduce(0) { $0 + resolutions[$1.index].storedValueCount(of: $1) }
    }

    /// Whether summarising the layer stores fewer values (more than 3 values per node).
    private func shrinksWhenSummarised(_ layer: Layer) -> Bool {
        layer.index > 0 && layer.nodeSize > LayerSummary.valuesPerNode
    }

    mutating func summariseEveryChannelLayer() {
        for layer in topology.layers where pinned[layer.index] == nil && shrinksWhenSummarised(layer) {
            resolutions[layer.index] = .summary
        }
        deriveCopies()
    }

    /// Past the budget: derive copies, then summarise the largest layers until the trace fits
    /// (or nothing is left to summarise).
    mutating func fit(valueBudget: Int) {
        guard storedValueCount > valueBudget else { return }
        deriveCopies()
        while storedValueCount > valueBudget {
            let candidates = topology.layers.filter {
                pinned[$0.index] == nil && resolutions[$0.index] != .summary && shrinksWhenSummarised($0)
            }
            guard let largest = candidates.max(by: { $0.valueCount < $1.valueCount }) else { return }
            resolutions[largest.index] = .summary
            keepDerivedLayersDerivable()
        }
    }

    /// Copies of a full (or derived) source become derived.
    private mutating func deriveCopies() {
        for layer in topology.layers where pinned[layer.index] == nil && layer.isCopyOfSource {
            if resolutions[layer.source!] != .summary { resolutions[layer.index] = .derived }
        }
    }

    /// A derived layer (not pinned) whose source is summarised is kept full again.
    private mutating func keepDerivedLayersDerivable() {
        for layer in topology.layers where resolutions[layer.index] == .derived && pinned[layer.index] == nil {
            if let source = layer.source, resolutions[source] == .summary { resolutions[layer.index] = .full }
        }
    }
}
