/// A store that cannot be opened, migrated, read or written: which file, and why.
public struct StoreError: Error, CustomStringConvertible, Sendable {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
