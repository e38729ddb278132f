/// A query's text, with the line starts needed to turn offsets into line:column.
public struct SourceText: Sendable, Equatable {
    /// Where the text came from (a file path, `<query>` or `<repl>`), for messages.
    public let name: String
    public let text: String
    /// The text as Unicode scalars; offsets and spans count these.
    let scalars: [Unicode.Scalar]
    private let lineStarts: [Int]

    public init(_ text: String, name: String = "<query>") {
        self.name = name
        self.text = text
        scalars = Array(text.unicodeScalars)
        var starts = [0]
        for (offset, scalar) in scalars.enumerated() where scalar == "\n" { starts.append(offset + 1) }
        lineStarts = starts
    }

    /// 1-based line and column of a scalar offset.
    public func location(of offset: Int) -> (line: Int, column: Int) {
        var low = 0, high = lineStarts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if lineStarts[middle] <= offset { low = middle } else { high = middle - 1 }
        }
        return (low + 1, offset - lineStarts[low] + 1)
    }

    /// The text of 1-based line `line`, without its line break.
    public func line(_ line: Int) -> String {
        text(of: span(ofLine: line))
    }

    /// The span of 1-based line `line`, without its line break.
    func span(ofLine line: Int) -> Span {
        let start = lineStarts[line - 1]
        return Span(start, line < lineStarts.count ? lineStarts[line] - 1 : scalars.count)
    }

    /// The text covered by `span`.
    public func text(of span: Span) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[span.start..<span.end])
        return String(view)
    }
}

/// A range of scalar offsets in a `SourceText`.
public struct Span: Sendable, Equatable, Hashable {
    public var start: Int
    public var end: Int

    public init(_ start: Int, _ end: Int) {
        self.start = start
        self.end = end
    }
}
