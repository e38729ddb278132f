/// Model architectures DeepProv can build and train, from a short text description:
/// - `mlp:784,350,50,10` — Gemm+Relu layers, the last Gemm gives logits;
/// - `cnn:1x28x28:conv8,pool2,conv16,pool2,dense64,10` — `conv<N>[k<K>]` (K×K, same padding,
///   Relu), `pool<K>` (max pool, stride K), `avgpool<K>`, `bn` (BatchNormalization),
///   `dense<N>` (Gemm+Relu), and a final number of classes (Gemm, logits).
/// Weights are He-initialised from the seed. Parsing checks the sizes (`Architecture+Sizes`).
public struct Architecture: Sendable, Equatable {
    public let description: String
    let inputShape: [Int]
    let layers: [LayerSpec]

    enum LayerSpec: Equatable {
        case conv(channels: Int, kernel: Int)
        case maxPool(Int)
        case averagePool(Int)
        case batchNorm
        case dense(Int, activation: Bool)
    }

    public init(parsing text: String) throws {
        description = text
        let layerNames: [String]
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        func invalid(_ detail: String) -> EngineError {
            EngineError("architecture '\(text)': \(detail) (expected mlp:784,350,50,10 or cnn:1x28x28:conv8,pool2,dense64,10)")
        }
        switch parts.first {
        case "mlp":
            guard parts.count == 2 else { throw invalid("mlp takes one list of sizes") }
            let sizes = parts[1].split(separator: ",").map { Int($0) }
            guard sizes.count >= 2, sizes.allSatisfy({ ($0 ?? 0) > 0 }) else { throw invalid("sizes must be positive integers, at least two") }
            inputShape = [sizes[0]!]
            layers = sizes.dropFirst().enumerated().map { index, size in .dense(size!, activation: index < sizes.count - 2) }
            layerNames = parts[1].split(separator: ",").dropFirst().map(String.init)
        case "cnn":
            guard parts.count == 3 else { throw invalid("cnn takes an input shape and a list of layers") }
            let shape = parts[1].split(separator: "x").map { Int($0) }
            guard shape.count == 3 || shape.count == 2, shape.allSatisfy({ ($0 ?? 0) > 0 }) else {
                throw invalid("input shape must be CxHxW or CxL")
            }
            inputShape = shape.map { $0! }
            let items = parts[2].split(separator: ",").map(String.init)
            guard let last = items.last, let classes = Int(last), classes > 0 else { throw invalid("the last item must be the number of classes") }
            layers = try items.dropLast().map { item in
                if item == "bn" { return .batchNorm }
                if item.hasPrefix("conv") {
                    let numbers = item.dropFirst(4).split(separator: "k").map { Int($0) }
                    guard let channels = numbers.first ?? nil, channels > 0 else { throw invalid("'\(item)' needs a channel count") }
                    let kernel = numbers.count > 1 ? numbers[1] ?? 0 : 3
                    guard kernel > 0, kernel % 2 == 1 else { throw invalid("'\(item)': the kernel must be odd") }
                    return .conv(channels: channels, kernel: kernel)
                }
                if item.hasPrefix("avgpool"), let size = Int(item.dropFirst(7)), size > 0 { return .averagePool(size) }
                if item.hasPrefix("pool"), let size = Int(item.dropFirst(4)), size > 0 { return .maxPool(size) }
                if item.hasPrefix("dense"), let size = Int(item.dropFirst(5)), size > 0 { return .dense(size, activation: true) }
                throw invalid("unknown layer '\(item)'")
            } + [.dense(classes, activation: false)]
            layerNames = items
        default:
            throw invalid("unknown kind '\(parts.first ?? "")'")
        }
        if let problem = Self.sizeProblem(inputShape: inputShape, layers: layers, names: layerNames) {
            throw EngineError("architecture '\(text)': \(problem)")
        }
    }

    /// Number of inputs per sample.
    public var inputSize: Int { inputShape.reduce(1, *) }

    /// A freshly initialised model of this architecture.
    public func makeModel(seed: UInt64) throws -> Model {
        var generator = SeededGenerator(seed: seed)
        var builder = ArchitectureGraphBuilder(inputShape: inputShape)
        for spec in layers { try builder.add(spec, generator: &generator) }
        return try builder.model(name: description)
    }
}
