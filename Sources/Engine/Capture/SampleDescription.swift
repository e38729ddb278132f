import IPG

/// What the caller knows about one input before it runs: where it came from and its label.
public struct SampleDescription: Sendable {
    public var inputIndex: Int
    public var trueLabel: Int?
    public var tag: String
    public var parent: TraceReference?
    public var attributes: [KeyValue]

    public init(inputIndex: Int, trueLabel: Int?, tag: String, parent: TraceReference? = nil, attributes: [KeyValue] = []) {
        self.inputIndex = inputIndex
        self.trueLabel = trueLabel
        self.tag = tag
        self.parent = parent
        self.attributes = attributes
    }
}
