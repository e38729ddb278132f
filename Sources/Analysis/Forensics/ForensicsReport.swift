import IPG

/// What happened inside the model for one trace, and how it differs from traces the model gets
/// right: `deepprov forensics`' answer. Encoded as JSON it is the command's contract (field
/// names in `CodingKeys`, documented in the README).
public struct ForensicsReport: Sendable, Equatable, Codable {
    /// The trace's id in the store.
    public var trace: Int64
    public var tag: String
    public var input: Int
    /// The true class, when the trace has one.
    public var label: Int?
    public var predicted: Int
    /// The predicted class's probability, as captured.
    public var confidence: Double
    /// The class with the second largest output value.
    public var runnerUp: Int?
    /// The predicted class's output value (logit) minus the runner-up's.
    public var margin: Double?
    /// The same difference between the two classes' probabilities (softmax of the outputs).
    public var probabilityMargin: Double?
    /// The strongest paths into the predicted output and, when it differs, the true one.
    public var paths: [FlowPath]
    /// The tag whose traces of the true class are the benign reference of `outliers`.
    public var cleanTag: String
    /// Hidden nodes by decreasing |z| against the clean traces of the true class.
    public var outliers: [NodeDeviation]
    /// Hidden nodes far from the true class's clean traces that lie close to the predicted class's.
    public var likePredicted: [NodeDeviation]
    public var nearest: NearestTraces
    /// The clean input an adversarial trace was made from, when it has one.
    public var parent: ParentComparison?

    enum CodingKeys: String, CodingKey {
        case trace, tag, input, label, predicted, confidence, margin, paths, outliers, nearest, parent
        case runnerUp = "runner_up", probabilityMargin = "probability_margin", cleanTag = "clean_tag"
        case likePredicted = "like_predicted"
    }

    /// Every field is written, an absent value as null.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(trace, forKey: .trace)
        try container.encode(tag, forKey: .tag)
        try container.encode(input, forKey: .input)
        try container.encode(label, forKey: .label)
        try container.encode(predicted, forKey: .predicted)
        try container.encode(confidence, forKey: .confidence)
        try container.encode(runnerUp, forKey: .runnerUp)
        try container.encode(margin, forKey: .margin)
        try container.encode(probabilityMargin, forKey: .probabilityMargin)
        try container.encode(paths, forKey: .paths)
        try container.encode(cleanTag, forKey: .cleanTag)
        try container.encode(outliers, forKey: .outliers)
        try container.encode(likePredicted, forKey: .likePredicted)
        try container.encode(nearest, forKey: .nearest)
        try container.encode(parent, forKey: .parent)
    }
}

/// A path of the IPG from an output node down to an input feature, through active nodes.
public struct FlowPath: Sendable, Equatable, Codable {
    /// The output class the path leads into.
    public var `class`: Int
    /// `layer:node`, from the output layer down to layer 0.
    public var nodes: [String]
    /// The lineage's flow: the first edge's contribution times, at every node passed, the next
    /// edge's share of that node's inflow.
    public var flow: Double

    public init(class leadsInto: Int, nodes: [NodeID], flow: Double) {
        self.class = leadsInto
        self.nodes = nodes.map(\.description)
        self.flow = flow
    }
}

/// A node's value beside the clean traces of a class: `z = (value − mean) / stddev`
/// (population), nil when the clean values do not spread.
public struct NodeDeviation: Sendable, Equatable, Codable {
    public var layer: Int
    public var node: Int
    public var value: Double
    public var z: Double?
    /// The same against the clean traces of the predicted class.
    public var zPredicted: Double?

    enum CodingKeys: String, CodingKey {
        case layer, node, value, z
        case zPredicted = "z_predicted"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(layer, forKey: .layer)
        try container.encode(node, forKey: .node)
        try container.encode(value, forKey: .value)
        try container.encode(z, forKey: .z)
        try container.encode(zPredicted, forKey: .zPredicted)
    }

    public init(layer: Int, node: Int, value: Double, z: Double?, zPredicted: Double?) {
        self.layer = layer
        self.node = node
        self.value = value
        self.z = z
        self.zPredicted = zPredicted
    }
}

/// The exact k nearest correctly classified traces of the true and of the predicted class, by
/// Euclidean distance of node values in one layer.
public struct NearestTraces: Sendable, Equatable, Codable {
    public var layer: Int
    public var trueClass: [Neighbour]
    public var predictedClass: [Neighbour]

    enum CodingKeys: String, CodingKey {
        case layer
        case trueClass = "true_class", predictedClass = "predicted_class"
    }

    public init(layer: Int, trueClass: [Neighbour], predictedClass: [Neighbour]) {
        self.layer = layer
        self.trueClass = trueClass
        self.predictedClass = predictedClass
    }
}

/// Another trace and its distance.
public struct Neighbour: Sendable, Equatable, Codable {
    public var trace: Int64
    public var distance: Double

    public init(trace: Int64, distance: Double) {
        self.trace = trace
        self.distance = distance
    }
}

/// An adversarial trace beside its clean parent.
public struct ParentComparison: Sendable, Equatable, Codable {
    public var trace: Int64
    /// Euclidean distance of the node values in the nearest-neighbour layer.
    public var distance: Double
    /// Per layer, the Euclidean distance of the two traces' node values.
    public var layers: [LayerDistance]
    /// Hidden nodes by decreasing |value − parent value|.
    public var differences: [PairedDifference]
    /// Walking the strongest paths into the true class (the predicted one when there is no
    /// label) of both traces from the output down, the first layer where their nodes differ;
    /// nil when the paths are the same.
    public var partingLayer: Int?

    enum CodingKeys: String, CodingKey {
        case trace, distance, layers, differences
        case partingLayer = "parting_layer"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(trace, forKey: .trace)
        try container.encode(distance, forKey: .distance)
        try container.encode(layers, forKey: .layers)
        try container.encode(differences, forKey: .differences)
        try container.encode(partingLayer, forKey: .partingLayer)
    }
}

public struct LayerDistance: Sendable, Equatable, Codable {
    public var layer: Int
    public var distance: Double
}

/// A node's value in a trace and in its parent.
public struct PairedDifference: Sendable, Equatable, Codable {
    public var layer: Int
    public var node: Int
    public var value: Double
    public var parentValue: Double
    public var difference: Double

    enum CodingKeys: String, CodingKey {
        case layer, node, value, difference
        case parentValue = "parent_value"
    }
}
