import Foundation
import TestSupport

/// Debian's Chromium (installed by scripts/setup), headless and offline, for the tests of the
/// HTML pages.
enum HeadlessChromium {
    /// What the browser found on a page: its SVGs, how many of them have a non-zero size,
    /// and its log (where console messages go).
    struct Probe {
        var svgs: Int
        var sized: Int
        var log: String
    }

    /// Loads `html` with a probe appended for the test that measures every SVG.
    static func probe(_ html: String, in directory: TemporaryDirectory) throws -> Probe? {
        let page = directory.path("probe.html")
        try html.replacingOccurrences(of: "</body>", with: """
            <script>
            const sizes = Array.from(document.querySelectorAll('svg')).map(s => { const r = s.getBoundingClientRect(); return r.width > 0 && r.height > 0 ? 1 : 0 });
            document.body.setAttribute('data-svgs', sizes.length + '/' + sizes.reduce((a, b) => a + b, 0));
            </script></body>
            """).write(toFile: page, atomically: true, encoding: .utf8)
        let (dom, log) = try run(["--dump-dom", URL(fileURLWithPath: page).absoluteString])
        guard let found = dom.firstMatch(of: /data-svgs="(\d+)\/(\d+)"/) else { return nil }
        return Probe(svgs: Int(found.1)!, sized: Int(found.2)!, log: log)
    }

    /// Runs the browser offline; its standard output and its log (standard error).
    static func run(_ arguments: [String]) throws -> (String, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/chromium")
        let home = try TemporaryDirectory()
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0",
                             "--proxy-server=127.0.0.1:9", "--user-data-dir=\(home.path("profile"))"] + arguments
        // The log goes to a file, so that neither stream can fill its pipe while the other is read.
        let output = Pipe(), log = home.path("log.txt")
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        process.standardOutput = output
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        try process.run()
        let stdout = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (String(decoding: stdout, as: UTF8.self), try String(contentsOfFile: log, encoding: .utf8))
    }
}
