import Foundation

/// Golden files: text a test produces, compared with the file that holds what it was. A missing
/// file is written, and so is every file when `DEEPPROV_RECORD_GOLDEN=1`; either way the check
/// fails, so a new or changed golden file is always looked at before it is committed.
public struct GoldenFiles: Sendable {
    public let directory: URL

    /// The folder `name` beside the test file `testFile` (pass `#filePath`).
    public init(_ name: String, besides testFile: String) {
        directory = URL(fileURLWithPath: testFile).deletingLastPathComponent().appendingPathComponent(name)
    }

    /// Nil when `text` equals the golden file `name`; otherwise what differs (the first line
    /// that does, both ways), after writing the file when recording or when it is missing.
    public func mismatch(_ text: String, name: String) -> String? {
        let file = directory.appendingPathComponent(name)
        let recording = ProcessInfo.processInfo.environment["DEEPPROV_RECORD_GOLDEN"] == "1"
        guard let golden = try? String(contentsOf: file, encoding: .utf8), !recording else {
            do {
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                try text.write(to: file, atomically: true, encoding: .utf8)
                return "\(name): golden file written (\(file.path)); check it and run again"
            } catch {
                return "\(name): cannot write the golden file: \(error)"
            }
        }
        guard golden != text else { return nil }
        let (expected, actual) = (golden.components(separatedBy: "\n"), text.components(separatedBy: "\n"))
        let line = zip(expected, actual).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(expected.count, actual.count)
        let show = { (lines: [String]) in line < lines.count ? lines[line] : "(no line)" }
        return "\(name):\(line + 1) differs from the golden file (DEEPPROV_RECORD_GOLDEN=1 rewrites it)\n  golden: \(show(expected))\n  now:    \(show(actual))"
    }
}
