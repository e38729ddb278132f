/// A saved query (`Queries/<name>.dpq`): a header of `#` comment lines — `name:`,
/// `description:`, and one `param: <name> <string|integer|number> [default]` per parameter —
/// then the query.
public struct SavedQuery: Sendable, Equatable {
    public struct Parameter: Sendable, Equatable {
        public enum Kind: String, Sendable { case string, integer, number }
        public var name: String
        public var kind: Kind
        public var defaultValue: String?
    }

    public var name: String
    public var description: String
    public var parameters: [Parameter]
    /// The whole file; the header lines are comments, so it compiles as it is.
    public var source: SourceText

    /// Parses a saved query's header; `file` names it in errors, which point at the line.
    public init(text: String, file: String) throws(Diagnostic) {
        let source = SourceText(text, name: file)
        var name: String?, description: String?
        var parameters: [Parameter] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            guard line.hasPrefix("#") else { continue }
            let body = line.dropFirst().drop { $0 == " " }
            guard let colon = body.firstIndex(of: ":") else { continue }
            let key = body[..<colon], value = body[body.index(after: colon)...].trimmingSpaces()
            switch key {
            case "name": name = value
            case "description": description = value
            case "param":
                let parts = value.split(separator: " ", maxSplits: 2).map(String.init)
                guard parts.count >= 2, let kind = Parameter.Kind(rawValue: parts[1]) else {
                    throw Diagnostic(code: .savedQueryParameterLine, message: "\(file):\(number + 1): expected 'param: <name> <string|integer|number> [default]'",
                                     span: source.span(ofLine: number + 1))
                }
                parameters.append(Parameter(name: parts[0], kind: kind, defaultValue: parts.count > 2 ? parts[2] : nil))
            default: continue
            }
        }
        guard let name, let description else {
            throw Diagnostic(code: .savedQueryHeaderIncomplete, message: "\(file): a saved query needs '# name:' and '# description:' lines", span: source.span(ofLine: 1))
        }
        self.name = name
        self.description = description
        self.parameters = parameters
        self.source = source
    }
}

extension Substring {
    fileprivate func trimmingSpaces() -> String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " || $0 == "\r" }.reversed())
    }
}
