/// A trace stream that cannot be read or written: which file, which frame, which byte.
public struct TraceStreamError: Error, CustomStringConvertible, Sendable {
    /// The stream's path (`-` for standard input/output).
    public var file: String
    /// The frame number (0 is the header frame), when the problem is inside a frame.
    public var frame: Int?
    /// Byte offset in the stream where the problem was found (the frame's start for frame damage).
    public var offset: Int?
    public var message: String

    public init(file: String, frame: Int? = nil, offset: Int? = nil, message: String) {
        self.file = file
        self.frame = frame
        self.offset = offset
        self.message = message
    }

    public var description: String {
        var location = file
        if let frame { location += ": frame \(frame)" }
        if let offset { location += frame == nil ? ": byte \(offset)" : " at byte \(offset)" }
        return "\(location): \(message)"
    }
}

/// A decoding problem inside one payload; the reader adds the file, frame and offset.
struct PayloadError: Error {
    var message: String
    init(_ message: String) { self.message = message }
}
