/// Node references compared with a lineage's `source` or `target`: `target = $node` needs a
/// value written `layer:node` naming a node the models have, as the literal `target = 2:0` does.
extension ValueRequirement {
    /// A value for `column` (a node column) that is not a node reference, or names a node the
    /// models do not have.
    func nodeReferenceProblems(column: String, nodeCounts: [Int], _ parameters: [String: CompiledQuery.Argument]) -> [Diagnostic] {
        guard let argument = Self.resolve(values[0], parameters) else { return [] }
        guard case .string(let text) = argument, let node = Self.node(text) else {
            return [Diagnostic(code: .nodeComparedWithValue, message: "'\(column)' holds node references (layer:node); \(Self.describe(argument, as: values[0])) is not one", span: spans[0],
                               notes: [Self.nodeReferenceHint(column: column, comparedWith: argument)])]
        }
        guard !nodeCounts.indices.contains(node.layer) || !(0..<nodeCounts[node.layer]).contains(node.index) else { return [] }
        return [Diagnostic(code: .noSuchNode, message: "no node \(text) in the models\(Self.given(values[0]))", span: spans[0])]
    }

    /// `layer:index` read from text (`2:0`), nil when it is not one.
    static func node(_ text: String) -> (layer: Int, index: Int)? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let layer = Int(parts[0]), let index = Int(parts[1]) else { return nil }
        return (layer, index)
    }

    /// How to write the node `column` was compared with: `target = 2:5` for `target = 5`.
    static func nodeReferenceHint(column: String, comparedWith other: CompiledQuery.Argument?) -> String {
        switch other {
        case .integer(let index)?: return "write the node with its layer, unquoted: \(column) = L:\(index) for node \(index) of layer L (e.g. \(column) = 2:\(index))"
        case .string(let text)? where node(text) != nil: return "write the node unquoted: \(column) = \(text)"
        default: return "write a node as layer:node, unquoted: \(column) = 2:0 (node 0 of layer 2)"
        }
    }
}
