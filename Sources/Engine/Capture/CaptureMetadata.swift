import IPG

/// What every trace of a capture run records besides its input, true label and the model's
/// answer: the tag, the run's attributes and, for derived inputs, the input each came from.
public struct CaptureMetadata: Sendable {
    public var tag: String
    /// Recorded with every trace.
    public var attributes: [KeyValue]
    /// For derived inputs (adversarial ones): the clean input each came from.
    public var parents: ParentInputs?

    public init(tag: String, attributes: [KeyValue] = [], parents: ParentInputs? = nil) {
        self.tag = tag
        self.attributes = attributes
        self.parents = parents
    }
}

/// The input each input of a capture run came from: one index per input, into the inputs
/// whose traces carry `tag`.
public struct ParentInputs: Sendable {
    public var indices: [Int]
    public var tag: String
    /// Where the indices came from (a file path), for messages.
    public var source: String

    public init(indices: [Int], tag: String, source: String) {
        self.indices = indices
        self.tag = tag
        self.source = source
    }
}
