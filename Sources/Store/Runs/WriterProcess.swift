import Foundation

/// The process a run is written by, recorded with the run so that a run whose process has
/// ended without finishing it can be told apart from one still going on.
public struct WriterProcess: Equatable, Sendable {
    public var processID: Int32
    public var host: String

    /// This process.
    public static let current = WriterProcess(processID: ProcessInfo.processInfo.processIdentifier, host: hostName())

    /// False only when the process is known to be gone: it ran on this host and no process
    /// with its id exists. A run from another host is taken to be going on.
    public static func mayBeRunning(processID: Int32?, host: String?) -> Bool {
        guard let processID, let host else { return false }
        guard host == current.host else { return true }
        return kill(processID, 0) == 0 || errno == EPERM
    }

    private static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "" }
        let name = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(decoding: name, as: UTF8.self)
    }
}
