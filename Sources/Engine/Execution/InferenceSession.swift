/// A model compiled for execution: operators built once, values addressed by slot.
public final class InferenceSession: @unchecked Sendable {
    public let model: Model
    /// Every float value's name, in the order values are produced (inputs, constants, nodes).
    public let valueNames: [String]
    let slots: [String: Int]
    let steps: [Step]
    /// Float initializers by slot; training and repair replace them (`setParameter`).
    var constantValues: [Int: Tensor]
    let inputSlot: Int
    /// The graph outputs' slots, kept by every evaluation.
    let outputSlots: Set<Int>
    /// Integer constants of the graph (shapes), by value name.
    let integerConstants: [String: [Int64]]

    struct Step {
        let node: GraphNode
        let operation: any Operator
        let inputSlots: [Int?]
        let outputSlots: [Int]
        /// The computed values (not constants) no later step reads.
        var lastReadSlots: [Int] = []
        /// A Conv whose output only the next step, a Relu, reads: the Relu's output slot. When
        /// an evaluation lets the Conv's output go, the Conv writes rectified values there
        /// (while each sample's output is still in cache) and the Relu step is skipped.
        var rectifiedOutputSlot: Int?
        /// A fused Conv + Relu whose rectified output only the step after the Relu, a MaxPool,
        /// reads: that pool and its output slot. When an evaluation lets the Relu's output go
        /// too, the Conv pools its rectified values as it computes them (`Conv+Pooling`) and
        /// the Relu and MaxPool steps are skipped.
        var pooling: (operation: MaxPool, outputSlot: Int)?
    }

    public init(model: Model) throws {
        TensorMemory.keepsFreedBlocks
        self.model = model
        let graph = model.graph
        guard graph.inputs.count == 1 else {
            throw EngineError("\(model.source): the model has \(graph.inputs.count) inputs (\(graph.inputs.map(\.name).joined(separator: ", "))); DeepProv runs models with exactly one input")
        }
        var names: [String] = []
        var slots: [String: Int] = [:]
        func slot(_ name: String) -> Int {
            if let existing = slots[name] { return existing }
            slots[name] = names.count
            names.append(name)
            return names.count - 1
        }
        inputSlot = slot(graph.inputs[0].name)
        var constants: [Int: Tensor] = [:]
        var integers: [String: [Int64]] = [:]
        for (name, constant) in graph.initializers.sorted(by: { $0.key < $1.key }) {
            switch constant {
            case .float(let tensor): constants[slot(name)] = tensor
            case .integer(_, let values): integers[name] = values
            }
        }
        var steps: [Step] = []
        for node in graph.nodes {
            if node.opType == "Constant", case .integer(_, let values)? = try Constant.value(of: node) {
                integers[node.outputs[0]] = values
                continue
            }
            let context = OperatorContext(node: node, opset: graph.opset, integerConstants: integers)
            let operation = try OperatorRegistry.make(context, source: model.source)
            let inputSlots = node.inputs.map { name -> Int? in
                name.isEmpty || integers[name] != nil ? nil : slots[name]
            }
            let outputSlots = node.outputs.filter { !$0.isEmpty }.map(slot)
            steps.append(Step(node: node, operation: operation, inputSlots: inputSlots, outputSlots: outputSlots))
        }
        for output in graph.outputs where slots[output.name] == nil {
            throw EngineError("\(model.source): graph output '\(output.name)' is not produced by any node")
        }
        var lastReader: [Int: Int] = [:]
        for (index, step) in steps.enumerated() {
            for slot in step.inputSlots.compactMap({ $0 }) where constants[slot] == nil { lastReader[slot] = index }
        }
        for (slot, index) in lastReader { steps[index].lastReadSlots.append(slot) }
        self.outputSlots = Set(graph.outputs.compactMap { slots[$0.name] })
        Self.fuseConvolutionsWithRelu(&steps, outputSlots: outputSlots)
        self.valueNames = names
        self.slots = slots
        self.steps = steps
        self.constantValues = constants
        self.integerConstants = integers
    }

    /// The model input's declared shape (nil for dynamic dimensions).
    public var inputShape: [Int?] { model.graph.inputs[0].shape }

    /// Runs a batch and returns every value the graph computes.
    public func evaluate(_ input: Tensor) throws -> Evaluation {
        try evaluate(input, keeping: nil)
    }

    /// Runs a batch and returns the graph outputs and the values called `names`; every other
    /// value is let go after its last use, so an operator can write over it (Relu, BatchNormalization
    /// and same-shape Add reuse their input's memory instead of copying it).
    public func evaluate(_ input: Tensor, keeping names: Set<String>) throws -> Evaluation {
        try evaluate(input, keeping: Set(names.compactMap { slots[$0] }))
    }

    /// `kept` nil keeps every value.
    private func evaluate(_ input: Tensor, keeping kept: Set<Int>?) throws -> Evaluation {
        try checkInputShape(input.shape)
        var values = [Tensor?](repeating: nil, count: valueNames.count)
        for (slot, tensor) in constantValues { values[slot] = tensor }
        values[inputSlot] = input
        var fusedStepsToSkip = 0
        for step in steps {
            if fusedStepsToSkip > 0 {
                fusedStepsToSkip -= 1
                continue
            }
            var arguments = step.inputSlots.map { $0.flatMap { values[$0] } }
            if let kept {
                for slot in step.lastReadSlots where !kept.contains(slot) && !outputSlots.contains(slot) { values[slot] = nil }
            }
            do {
                if let rectifiedSlot = step.rectifiedOutputSlot, let kept, !kept.contains(step.outputSlots[0]), let conv = step.operation as? Conv {
                    if let pooling = step.pooling, !kept.contains(rectifiedSlot) {
                        values[pooling.outputSlot] = try conv.run(arguments, rectified: true, pooledBy: pooling.operation)
                        fusedStepsToSkip = 2
                    } else {
                        values[rectifiedSlot] = try conv.run(arguments, rectified: true)
                        fusedStepsToSkip = 1
                    }
                    continue
                }
                let results = try step.operation.run(consuming: &arguments)
                for (slot, result) in zip(step.outputSlots, results) { values[slot] = result }
            } catch let error as EngineError {
                throw EngineError("\(model.source): node '\(step.node.name)' (\(step.node.opType)): \(error.message)")
            }
        }
        return Evaluation(slots: slots, values: values, outputNames: model.graph.outputs.map(\.name))
    }

    /// Marks each Conv whose single output only the following Relu reads (and that is no graph
    /// output) with the Relu's output slot (`Step.rectifiedOutputSlot`), and, when only a
    /// MaxPool right after the Relu reads the Relu's output, with that pool (`Step.pooling`).
    private static func fuseConvolutionsWithRelu(_ steps: inout [Step], outputSlots: Set<Int>) {
        var readers: [Int: Int] = [:]
        for step in steps {
            for slot in step.inputSlots.compactMap({ $0 }) { readers[slot, default: 0] += 1 }
        }
        for index in steps.indices.dropLast() {
            let step = steps[index], next = steps[index + 1]
            guard step.operation is Conv, next.operation is Relu, step.outputSlots.count == 1,
                  let output = step.outputSlots.first, !outputSlots.contains(output), readers[output] == 1,
                  next.inputSlots.count == 1, next.inputSlots[0] == output, next.outputSlots.count == 1
            else { continue }
            steps[index].rectifiedOutputSlot = next.outputSlots[0]
            guard index + 2 < steps.count, let pool = steps[index + 2].operation as? MaxPool else { continue }
            let pooling = steps[index + 2], rectified = next.outputSlots[0]
            guard !outputSlots.contains(rectified), readers[rectified] == 1, pooling.inputSlots.count == 1,
                  pooling.inputSlots[0] == rectified, pooling.outputSlots.count == 1
            else { continue }
            steps[index].pooling = (pool, pooling.outputSlots[0])
        }
    }

    private func checkInputShape(_ shape: [Int]) throws {
        let declared = inputShape
        let matches = declared.isEmpty
            || (declared.count == shape.count && zip(declared, shape).allSatisfy { $0 == nil || $0 == $1 })
        guard matches else {
            let expected = declared.map { $0.map(String.init) ?? "?" }.joined(separator: ", ")
            throw EngineError("\(model.source): input '\(model.graph.inputs[0].name)' expects shape [\(expected)], got \(shape)")
        }
    }

    /// Runs a batch and returns the first graph output.
    public func run(_ input: Tensor) throws -> Tensor {
        try evaluate(input, keeping: []).output
    }
}

/// Every value computed for one batch, addressable by name.
public struct Evaluation: Sendable {
    let slots: [String: Int]
    let values: [Tensor?]
    public let outputNames: [String]

    /// The value called `name`, if the graph computed it.
    public subscript(name: String) -> Tensor? {
        slots[name].flatMap { values[$0] }
    }

    /// The first graph output.
    public var output: Tensor { self[outputNames[0]]! }
}
