/// An `EdgeRule` without its weights: its name in a store's `layers` table and in a `Catalog`,
/// which is all a query needs to know about how a layer's edges are derived.
public enum EdgeRuleKind: String, Sendable, CaseIterable {
    case none
    case dense
    case conv
    case channelScale = "channel_scale"
    case channelOutput = "channel_output"
    case reshape
    case concat
    case explicit

    /// The rules whose edges a reader derives from the source layer's full map (and a
    /// kernel stored once per model), beside `dense` (weights × source value).
    public static let derivedFromMaps: [EdgeRuleKind] = [.conv, .channelScale, .channelOutput, .reshape]

    /// Whether queries derive this rule's edges (dense or from maps).
    public var isQueryable: Bool { self == .dense || Self.derivedFromMaps.contains(self) }

    /// The rule a layer of `kind` usually has (a pooling layer with a fused activation keeps
    /// `.explicit` edges instead; a catalog read from a store records the real rule).
    public static func usual(for kind: LayerKind) -> EdgeRuleKind {
        switch kind {
        case .input: return .none
        case .dense: return .dense
        case .conv: return .conv
        case .pool: return .channelOutput
        case .batchNorm, .activation: return .channelScale
        case .reshape: return .reshape
        case .concat: return .concat
        case .add: return .channelScale
        }
    }
}

extension EdgeRule {
    /// The rule's kind (its name in the `layers` table).
    public var kind: EdgeRuleKind {
        switch self {
        case .none: return .none
        case .dense: return .dense
        case .conv: return .conv
        case .channelScale: return .channelScale
        case .channelOutput: return .channelOutput
        case .reshape: return .reshape
        case .concat: return .concat
        case .explicit: return .explicit
        }
    }
}
