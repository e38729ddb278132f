/// Orders graph nodes so every node comes after the producers of its inputs.
enum TopologicalOrder {
    static func sort(_ nodes: [GraphNode], available initial: Set<String>, source: String) throws -> [GraphNode] {
        var available = initial
        available.insert("")
        var remaining = nodes
        var sorted: [GraphNode] = []
        sorted.reserveCapacity(nodes.count)
        while !remaining.isEmpty {
            let before = remaining.count
            remaining.removeAll { node in
                guard node.inputs.allSatisfy(available.contains) else { return false }
                sorted.append(node)
                available.formUnion(node.outputs)
                return true
            }
            if remaining.count == before {
                let node = remaining[0]
                let missing = node.inputs.filter { !available.contains($0) }
                throw EngineError("\(source): node '\(node.name)' (\(node.opType)) reads \(missing.map { "'\($0)'" }.joined(separator: ", ")), which nothing produces (or the graph has a cycle)")
            }
        }
        return sorted
    }
}
