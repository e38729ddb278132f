/// Errors raised while loading models or data, or running a model. Each message names the
/// file (and row, node or operator) involved.
public struct EngineError: Error, CustomStringConvertible, Equatable {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
