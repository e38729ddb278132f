/// What a place in a query needs of its value beyond a type: a whole number in bounds, a tag,
/// model, class or node the catalog has, or tags whose traces have parents. The binder checks
/// literals as it binds; a `$parameter`'s value is checked against the same requirement once
/// it is known (`CompiledQuery.problems(withParameters:)`), so both give the same diagnostics,
/// pointing at where the value is written.
public struct ValueRequirement: Sendable, Equatable {
    public enum Rule: Sendable, Equatable {
        /// `take`'s count: 0 or more.
        case count
        /// `nearest`'s count (0 or more), then a trace id (1 or more).
        case nearest
        /// A trace id (1 or more).
        case traceID
        /// A layer number below `count`; for edges, not one of `withoutEdges` (the layers no
        /// model derives edges into, each with why).
        case layer(count: Int, withoutEdges: [Int: String]?)
        /// A node (layer, then index) that some model has: `nodeCounts[layer]` is the most
        /// nodes any model has in that layer.
        case node(nodeCounts: [Int])
        /// A lineage's depth, then its top: each 1 or more, the depth at most the `steps` the
        /// models' dense layers allow from where it starts (`start`, for messages: "back from
        /// the output"), and top^depth at most `maximumLineagePaths`.
        case lineage(steps: Int, start: String)
        /// A tag the store has (compared with `tag` or `parent_tag`): one of `known`.
        case tag(known: [String])
        /// A model the store has (compared with `model`): one of `known`.
        case model(known: [String])
        /// A class (`column` is `label` or `predicted`, compared with `=`; empty for a trace
        /// measure's class argument, `prob(3)`): a whole number
        /// below `classes`, the most nodes a model has in its last layer.
        case classIndex(column: String, classes: Int)
        /// A tag some of whose traces have parents (`versus parent` over `tag = …`): one of
        /// `known`.
        case tagWithParents(known: [String])
        /// A node reference (`layer:node` text) compared with `column`, a lineage's `source` or
        /// `target`, naming a node some model has (`nodeCounts` as for `node`).
        case nodeReference(column: String, nodeCounts: [Int])
    }

    /// The most paths a lineage may follow per trace, top^depth: depth 1 top 10, depth 2
    /// top 3, depth 3 top 2. The walk ranks every incoming edge of each node it reaches against
    /// the others, so its cost grows with top^(depth − 1) times the square of the fan-in; on
    /// one trace of a 784-350-50-10 MLP (release build, SQLite 3.40) the costliest lineages
    /// this allows take 1.2 s of CPU (depth 3 top 2 from the output) and 0.9 s (depth 2
    /// top 3 from layer 2), where depth 3 top 3 takes 2.5 s and depth 3 top 10 over 40 s.
    public static let maximumLineagePaths = 10

    public var rule: Rule
    /// The values the rule reads, each a literal or a `$parameter`, in the rule's order.
    public var values: [BoundValue]
    /// Where each value is written.
    public var spans: [Span]

    /// Whether a value is a `$parameter`, known only when the query runs.
    public var readsParameters: Bool {
        values.contains { if case .parameter = $0 { return true } else { return false } }
    }

    /// What is wrong with the values, parameters read from `parameters`; a parameter without a
    /// value is not checked (nor anything that needs it).
    public func problems(withParameters parameters: [String: CompiledQuery.Argument] = [:]) -> [Diagnostic] {
        switch rule {
        case .tag(let known): return nameProblems(kind: "tag", known: known, parameters)
        case .model(let known): return nameProblems(kind: "model", known: known, parameters)
        case .classIndex(let column, let classes): return classProblems(column: column, classes: classes, parameters)
        case .tagWithParents(let known): return parentProblems(known: known, parameters)
        case .nodeReference(let column, let nodeCounts): return nodeReferenceProblems(column: column, nodeCounts: nodeCounts, parameters)
        case .count, .nearest, .traceID, .layer, .node, .lineage: return wholeNumberProblems(parameters)
        }
    }

    /// Whole numbers in bounds (`take`, layers, nodes, a lineage's depth and top).
    private func wholeNumberProblems(_ parameters: [String: CompiledQuery.Argument]) -> [Diagnostic] {
        var numbers: [Int?] = []
        var problems: [Diagnostic] = []
        for (value, span) in zip(values, spans) {
            switch Self.resolve(value, parameters) {
            case .integer(let number)?: numbers.append(number)
            case nil: numbers.append(nil)
            case let other?:
                numbers.append(nil)
                problems.append(Diagnostic(code: .notAWholeNumber, message: "\(subject) needs a whole number, found \(Self.describe(other, as: value))", span: span))
            }
        }
        guard problems.isEmpty, let problem = rangeProblem(numbers) else { return problems }
        return [Diagnostic(code: problem.code, message: problem.message, span: problem.span)]
    }

    /// The place of a whole number, for messages.
    private var subject: String {
        switch rule {
        case .count: return "'take'"
        case .nearest: return "'nearest K to trace ID'"
        case .traceID: return "a trace id"
        case .layer: return "a layer"
        case .node: return "a node"
        case .lineage: return "a lineage's depth and top"
        // Checked by name, not as whole numbers (`ValueRequirement+Catalog`, `+Nodes`).
        case .tag, .model, .classIndex, .tagWithParents, .nodeReference: return "a value"
        }
    }

    /// The code, message and place of whole numbers out of bounds, nil when they fit (or are
    /// unknown).
    private func rangeProblem(_ numbers: [Int?]) -> (code: DiagnosticCode, message: String, span: Span)? {
        let whole = Span(spans[0].start, spans[spans.count - 1].end)
        switch rule {
        case .count:
            guard let count = numbers[0], count < 0 else { return nil }
            return (.negativeCount, "'take' needs a count of 0 or more", whole)
        case .nearest:
            if let count = numbers[0], count < 0 { return (.negativeCount, "'nearest' needs a count of 0 or more", spans[0]) }
            if let trace = numbers[1], trace < 1 { return (.noSuchTrace, "no trace \(trace): trace ids start at 1", spans[1]) }
            return nil
        case .traceID:
            guard let trace = numbers[0], trace < 1 else { return nil }
            return (.noSuchTrace, "no trace \(trace): trace ids start at 1", whole)
        case .layer(let count, let withoutEdges):
            guard let layer = numbers[0] else { return nil }
            guard (0..<count).contains(layer) else { return (.noSuchLayer, "no layer \(layer): the models have layers 0–\(max(count, 1) - 1)", whole) }
            guard let reason = withoutEdges?[layer] else { return nil }
            return (.edgesNotDerived, reason, whole)
        case .node(let nodeCounts):
            guard let layer = numbers[0], let node = numbers[1],
                  !nodeCounts.indices.contains(layer) || !(0..<nodeCounts[layer]).contains(node) else { return nil }
            return (.noSuchNode, "no node \(layer):\(node) in the models", whole)
        case .lineage(let steps, let start):
            return lineageProblem(depth: numbers[0], top: numbers[1], steps: steps, start: start).map { (.lineageOutOfBounds, $0.message, $0.span) }
        case .tag, .model, .classIndex, .tagWithParents, .nodeReference: return nil
        }
    }

    private func lineageProblem(depth: Int?, top: Int?, steps: Int, start: String) -> (message: String, span: Span)? {
        if let depth, depth < 1 || depth > steps {
            let allowed = steps == 0 ? "the models have no layers with edges to follow \(start)" : "at most \(steps) (the models' layers with edges \(start))"
            return ("lineage depth \(depth) is out of bounds: \(allowed)", spans[0])
        }
        if let top, top < 1 || top > Self.maximumLineagePaths {
            return ("lineage top \(top) is out of bounds: 1 to \(Self.maximumLineagePaths)", spans[1])
        }
        guard let depth, let top else { return nil }
        // top^depth, stopping once past the bound.
        let paths = (1..<depth).reduce(top) { product, _ in product > Self.maximumLineagePaths ? product : product * top }
        guard paths > Self.maximumLineagePaths else { return nil }
        return ("lineage depth \(depth) top \(top) follows up to \(top)^\(depth) paths per trace; at most \(Self.maximumLineagePaths): depth 2 top 3, depth 3 top 2",
                Span(spans[0].start, spans[1].end))
    }

    /// A literal as it is, a parameter's value as given (nil when it has none yet).
    static func resolve(_ value: BoundValue, _ parameters: [String: CompiledQuery.Argument]) -> CompiledQuery.Argument? {
        switch value {
        case .integer(let number): return .integer(number)
        case .number(let number): return .number(number)
        case .string(let text): return .string(text)
        case .parameter(let name): return parameters[name]
        }
    }

    /// A value that is not a whole number, as the message shows it (`$k = 1.5`).
    static func describe(_ argument: CompiledQuery.Argument, as written: BoundValue) -> String {
        var text: String
        switch argument {
        case .number(let number) where number.magnitude >= 0x1p63: text = "\(number), beyond the whole numbers a query holds (±9223372036854775807)"
        case .number(let number): text = "\(number)"
        case .string(let string): text = "the string '\(string)'"
        case .integer(let number): text = "\(number)"
        case .parameter(let name): text = "$\(name)"
        }
        if case .parameter(let name) = written { text = "$\(name) = " + text }
        return text
    }
}
