import Foundation

/// Turns an `Architecture`'s layer list into a graph, tracking the running shape.
struct ArchitectureGraphBuilder {
    private var nodes: [GraphNode] = []
    private var initializers: [String: ConstantTensor] = [:]
    private var current = "input"
    private var shape: [Int]
    private let inputShape: [Int]
    private var counter = 0

    init(inputShape: [Int]) {
        self.inputShape = inputShape
        shape = inputShape
    }

    mutating func add(_ spec: Architecture.LayerSpec, generator: inout SeededGenerator) throws {
        counter += 1
        let output = try spec.output(for: shape)
        defer { shape = output.shape }
        switch spec {
        case .conv(let channels, let kernel):
            let spatial = shape.count - 1
            let fanIn = shape[0] * Int(pow(Double(kernel), Double(spatial)))
            let weights = parameter("conv\(counter).weight", [channels, shape[0]] + [Int](repeating: kernel, count: spatial), fanIn: fanIn, generator: &generator)
            let bias = zeros("conv\(counter).bias", [channels])
            let pad = kernel / 2
            append("Conv", [current, weights, bias], "conv\(counter)", [
                "kernel_shape": .ints([Int](repeating: kernel, count: spatial)),
                "pads": .ints([Int](repeating: pad, count: 2 * spatial)),
            ])
            append("Relu", [current], "relu\(counter)")
        case .maxPool(let size), .averagePool(let size):
            let isMax: Bool = { if case .maxPool = spec { return true } else { return false } }()
            let spatial = shape.count - 1
            append(isMax ? "MaxPool" : "AveragePool", [current], "pool\(counter)", [
                "kernel_shape": .ints([Int](repeating: size, count: spatial)), "strides": .ints([Int](repeating: size, count: spatial)),
            ])
        case .batchNorm:
            let channels = shape[0]
            let names = ["scale", "bias", "mean", "var"].map { "bn\(counter).\($0)" }
            initializers[names[0]] = .float(Tensor(shape: [channels], repeating: 1))
            initializers[names[1]] = .float(Tensor(shape: [channels], repeating: 0))
            initializers[names[2]] = .float(Tensor(shape: [channels], repeating: 0))
            initializers[names[3]] = .float(Tensor(shape: [channels], repeating: 1))
            append("BatchNormalization", [current] + names, "bn\(counter)")
        case .dense(let size, let activation):
            if shape.count > 1 { append("Flatten", [current], "flatten\(counter)") }
            let inputs = shape.reduce(1, *)
            let weights = parameter("fc\(counter).weight", [size, inputs], fanIn: inputs, generator: &generator)
            let bias = zeros("fc\(counter).bias", [size])
            append("Gemm", [current, weights, bias], "fc\(counter)", ["transB": .int(1)])
            if activation { append("Relu", [current], "relu\(counter)") }
        }
    }

    func model(name: String) throws -> Model {
        let graph = ModelGraph(
            name: name, opset: 13,
            inputs: [ValueInfo(name: "input", shape: [nil] + inputShape.map { $0 })],
            outputs: [ValueInfo(name: current, shape: [nil] + shape.map { $0 })],
            nodes: nodes, initializers: initializers)
        return try Model.load(onnx: ONNXExporter.serialize(graph), source: name)
    }

    private mutating func append(_ opType: String, _ inputs: [String], _ name: String, _ attributes: [String: AttributeValue] = [:]) {
        nodes.append(GraphNode(name: name, opType: opType, inputs: inputs, outputs: [name], attributes: attributes))
        current = name
    }

    /// He-normal weights: N(0, 2 / fanIn).
    private mutating func parameter(_ name: String, _ shape: [Int], fanIn: Int, generator: inout SeededGenerator) -> String {
        let deviation = (2 / Float(fanIn)).squareRoot()
        let values = (0..<shape.reduce(1, *)).map { _ in generator.nextGaussian() * deviation }
        initializers[name] = .float(Tensor(shape: shape, values: values))
        return name
    }

    private mutating func zeros(_ name: String, _ shape: [Int]) -> String {
        initializers[name] = .float(Tensor(shape: shape))
        return name
    }
}
