import Foundation

/// A one-line progress display on standard error, shown only when it is a terminal.
final class ProgressReporter {
    private let label: String
    private let total: Int
    private let enabled: Bool
    private let start = Date()
    private var lastDraw = Date.distantPast

    init(label: String, total: Int, quiet: Bool = false) {
        self.label = label
        self.total = total
        enabled = !quiet && isatty(STDERR_FILENO) == 1
    }

    /// Seconds since the reporter was created.
    var elapsed: TimeInterval { Date().timeIntervalSince(start) }

    /// Redraws at most ten times a second (`total` 0: a count without percentage or ETA).
    func update(done: Int) {
        guard enabled, Date().timeIntervalSince(lastDraw) > 0.1 || done == total else { return }
        lastDraw = Date()
        let rate = Double(done) / max(elapsed, 1e-9)
        let remaining = rate > 0 ? Double(total - done) / rate : 0
        let percent = total > 0 ? 100 * done / total : 100
        let line = total > 0
            ? "\(label) \(done)/\(total) \(percent)%  \(Int(rate)) /s  ETA \(Int(remaining.rounded()))s"
            : "\(label) \(done)  \(Int(rate)) /s"
        FileHandle.standardError.write(Data("\r\u{1B}[K\(line)".utf8))
    }

    /// Clears the progress line.
    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
