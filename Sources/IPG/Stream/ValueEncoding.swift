/// How node values are stored in a trace stream.
public enum ValueEncoding: UInt8, Sendable, CaseIterable {
    /// IEEE binary32: exact.
    case float32 = 0
    /// IEEE binary16: half the size, about 3 significant digits; values beyond ±65504 become ±inf.
    case float16 = 1

    /// Bytes per stored value.
    public var byteWidth: Int { self == .float32 ? 4 : 2 }

    /// The name used on the command line and in stream headers.
    public var name: String { self == .float32 ? "float32" : "float16" }
}
