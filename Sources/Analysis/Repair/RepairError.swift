/// A repair that cannot proceed, with what and where.
public struct RepairError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
