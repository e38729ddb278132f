/// Values the catalog knows: tags, models and classes. `tag = 'fgms'` and `tag = $tag` with
/// `fgms` given are the same mistake, and give the same diagnostic.
extension ValueRequirement {
    /// A tag or model (`kind`) not among `known`, with the nearest known name.
    func nameProblems(kind: String, known: [String], _ parameters: [String: CompiledQuery.Argument]) -> [Diagnostic] {
        guard let argument = Self.resolve(values[0], parameters) else { return [] }
        let text: String
        switch argument {
        case .string(let string): text = string
        case .integer(let number): text = "\(number)"
        case .number(let number): text = "\(number)"
        case .parameter: return []
        }
        guard !known.contains(text) else { return [] }
        let suggestion = NameSuggestion.nearest(to: text, in: known)
        return [Diagnostic(
            code: .unknownTagOrModel, message: "no \(kind) '\(text)'\(Self.given(values[0]))" + (suggestion.map { "; did you mean '\($0)'?" } ?? ""), span: spans[0],
            notes: ["the store's \(kind)s: " + (known.isEmpty ? "none yet" : known.joined(separator: ", "))])]
    }

    /// A class outside `0..<classes` (or a fraction, which no class is).
    func classProblems(column: String, classes: Int, _ parameters: [String: CompiledQuery.Argument]) -> [Diagnostic] {
        let number: Double
        switch Self.resolve(values[0], parameters) {
        case .integer(let whole)?: number = Double(whole)
        case .number(let fraction)?: number = fraction
        default: return []
        }
        if number.rounded() != number || number.magnitude >= 0x1p63 {
            return [Diagnostic(code: .wholeNumberEqualsFraction, message: "'\(column)' holds whole numbers: it never equals \(number)\(Self.given(values[0]))", span: spans[0],
                               notes: ["compare with a whole number (\(column) = 3), or use < and > for a range"])]
        }
        guard !(0..<classes).contains(Int(number)) else { return [] }
        if column.isEmpty {
            return [Diagnostic(code: .noSuchClass, message: "no class \(Int(number))\(Self.given(values[0])): the classes run from 0 to \(classes - 1)", span: spans[0],
                               notes: ["the models' last layer has \(classes) nodes, one per class"])]
        }
        return [Diagnostic(
            code: .noSuchClass, message: "'\(column)' is a class from 0 to \(classes - 1): it never equals \(Int(number))\(Self.given(values[0]))", span: spans[0],
            notes: ["the models' last layer has \(classes) nodes, one per class"])]
    }

    /// Tags none of whose traces have a parent, selected for `versus parent` (every value
    /// read is one of the tags the selection may have): nothing to pair with.
    func parentProblems(known: [String], _ parameters: [String: CompiledQuery.Argument]) -> [Diagnostic] {
        var tags: [String] = []
        for value in values {
            guard case .string(let tag)? = Self.resolve(value, parameters) else { return [] }
            tags.append(tag)
        }
        guard !tags.isEmpty, tags.allSatisfy({ !known.contains($0) }) else { return [] }
        let named = tags.map { "'\($0)'" }.joined(separator: ", ")
        let parameterNames = values.compactMap { value -> String? in if case .parameter(let name) = value { return "$\(name)" } else { return nil } }
        return [Diagnostic(
            code: .noParentsToPair, message: "'versus parent' pairs traces with their parents, and the traces of tag \(named)"
                + (parameterNames.isEmpty ? "" : " (\(parameterNames.joined(separator: ", ")))") + " have none", span: Span(spans[0].start, spans[spans.count - 1].end),
            notes: [known.isEmpty ? "no stored trace has a parent: capture adversarial copies with their parents (deepprov attack)"
                        : "tags whose traces have parents: " + known.joined(separator: ", ")])]
    }

    /// ` (the value of $name)` for a parameter, nothing for a literal.
    static func given(_ value: BoundValue) -> String {
        if case .parameter(let name) = value { return " (the value of $\(name))" }
        return ""
    }
}
