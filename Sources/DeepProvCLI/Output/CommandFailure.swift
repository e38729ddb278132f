/// A failure a command reports in one line, without the usage text a `ValidationError` adds.
struct CommandFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }

    init(_ message: String) {
        self.message = message
    }
}
