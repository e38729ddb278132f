/// Typed access to a node's attributes, with errors that name the node and the attribute.
struct NodeAttributes {
    let node: GraphNode

    init(_ node: GraphNode) {
        self.node = node
    }

    func int(_ name: String, default fallback: Int) throws -> Int {
        switch node.attributes[name] {
        case nil: return fallback
        case .int(let value)?: return value
        default: throw mismatch(name, expected: "an integer")
        }
    }

    func float(_ name: String, default fallback: Float) throws -> Float {
        switch node.attributes[name] {
        case nil: return fallback
        case .float(let value)?: return value
        case .int(let value)?: return Float(value)
        default: throw mismatch(name, expected: "a float")
        }
    }

    func string(_ name: String, default fallback: String) throws -> String {
        switch node.attributes[name] {
        case nil: return fallback
        case .string(let value)?: return value
        default: throw mismatch(name, expected: "a string")
        }
    }

    func ints(_ name: String) throws -> [Int]? {
        switch node.attributes[name] {
        case nil: return nil
        case .ints(let values)?: return values
        case .int(let value)?: return [value]
        default: throw mismatch(name, expected: "a list of integers")
        }
    }

    /// The integer attribute `name`, failing unless its value is one of `supported`.
    func require(_ name: String, in supported: Set<Int>, default fallback: Int) throws -> Int {
        let value = try int(name, default: fallback)
        guard supported.contains(value) else {
            throw EngineError("node '\(node.name)' (\(node.opType)): attribute \(name)=\(value) is not supported")
        }
        return value
    }

    func error(_ message: String) -> EngineError {
        EngineError("node '\(node.name)' (\(node.opType)): \(message)")
    }

    private func mismatch(_ name: String, expected: String) -> EngineError {
        error("attribute '\(name)' should be \(expected)")
    }
}
