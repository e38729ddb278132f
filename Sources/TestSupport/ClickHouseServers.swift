import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Two `clickhouse-server` processes started for a test run, configured as a two-shard cluster
/// named `clusterName`: shard 1 listens on 127.0.0.2, shard 2 on 127.0.0.3, both on the same
/// (free) HTTP, TCP and interserver ports, the way every node of a real cluster listens on the
/// same ports. Each server has its own temporary data folder. Started once per test process
/// (`shared`), stopped and removed when the process exits; a watchdog shell stops a server
/// whose test process died without exiting.
public final class ClickHouseServers: @unchecked Sendable {
    /// One running server.
    public struct Server: Sendable {
        public var host: String
        public var httpPort: Int
        /// `clickhouse://host:port/database`.
        public func url(database: String, cluster: String? = nil) -> String {
            "clickhouse://\(host):\(httpPort)/\(database)" + (cluster.map { "?cluster=\($0)" } ?? "")
        }
    }

    public private(set) var servers: [Server]
    public let clusterName = "deepprov_pair"
    private let folder: URL
    private var processes: [Process]

    /// The `clickhouse-server` binary, when installed (`scripts/setup` installs it).
    public static let binary: String? = ["/usr/bin/clickhouse-server", "/usr/sbin/clickhouse-server", "/usr/local/bin/clickhouse-server"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Why ClickHouse tests cannot run here, or nil when they can.
    public static var unavailableReason: String? {
        binary == nil ? "clickhouse-server is not installed (scripts/setup installs it from Debian)" : nil
    }

    nonisolated(unsafe) private static var started: Result<ClickHouseServers, any Error>?
    private static let startLock = NSLock()

    /// The servers of this test process, started on first use.
    public static func shared() throws -> ClickHouseServers {
        try startLock.withLock {
            if let started { return try started.get() }
            let result = Result { try ClickHouseServers() }
            started = result
            if case .success = result { atexit { try? ClickHouseServers.started?.get().stop() } }
            return try result.get()
        }
    }

    /// Two servers of the caller's own, for a test that stops one (`stop()` them when done).
    public static func start() throws -> ClickHouseServers {
        try ClickHouseServers()
    }

    /// A database name no other test uses.
    public static func uniqueDatabase(_ stem: String) -> String {
        "\(stem)_\(UUID().uuidString.prefix(8).lowercased())"
    }

    private init() throws {
        guard let binary = Self.binary else { throw HarnessError(message: Self.unavailableReason ?? "") }
        folder = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("deepprov-clickhouse-\(UUID().uuidString)")
        let hosts = ["127.0.0.2", "127.0.0.3"]
        var lastError: (any Error)?
        for _ in 0..<5 {
            let ports = try Self.freePorts(count: 3, on: hosts)
            servers = hosts.map { Server(host: $0, httpPort: ports[0]) }
            processes = []
            do {
                for (number, host) in hosts.enumerated() {
                    let directory = folder.appendingPathComponent("shard\(number + 1)")
                    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                    try Self.configuration(directory: directory.path, host: host, hosts: hosts, ports: ports, cluster: clusterName)
                        .write(to: directory.appendingPathComponent("config.xml"), atomically: true, encoding: .utf8)
                    try Self.users.write(to: directory.appendingPathComponent("users.xml"), atomically: true, encoding: .utf8)
                    processes.append(try Self.launch(binary: binary, directory: directory.path))
                }
                for server in servers { try Self.waitUntilReady(server, processes: processes, folder: folder) }
                return
            } catch {
                lastError = error
                stop()
            }
        }
        throw lastError ?? HarnessError(message: "clickhouse-server did not start")
    }

    /// Kills shard `number`'s server (1 or 2) as a crash would, keeping its data.
    public func kill(shard number: Int) {
        let pidFile = folder.appendingPathComponent("shard\(number)/server.pid").path
        if let text = try? String(contentsOfFile: pidFile, encoding: .utf8), let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
            Glibc.kill(pid, SIGKILL)
        }
        processes[number - 1].waitUntilExit()
        try? FileManager.default.removeItem(atPath: pidFile)
    }

    /// Starts shard `number`'s server again on its data and waits until it answers.
    public func restart(shard number: Int) throws {
        guard let binary = Self.binary else { return }
        processes[number - 1] = try Self.launch(binary: binary, directory: folder.appendingPathComponent("shard\(number)").path)
        try Self.waitUntilReady(servers[number - 1], processes: processes, folder: folder)
    }

    /// Stops both servers (waiting until they have exited) and removes their folders. The
    /// servers are killed: a process started from a test inherits a signal mask that blocks
    /// SIGTERM, and their data is thrown away anyway.
    public func stop() {
        for number in processes.indices {
            let pidFile = folder.appendingPathComponent("shard\(number + 1)/server.pid").path
            // The shell writes the file right after starting the server.
            for _ in 0..<50 where !FileManager.default.fileExists(atPath: pidFile) { usleep(100_000) }
            if let text = try? String(contentsOfFile: pidFile, encoding: .utf8), let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
                Glibc.kill(pid, SIGKILL)
            }
        }
        for process in processes { process.waitUntilExit() }
        processes = []
        try? FileManager.default.removeItem(at: folder)
    }

    /// Runs the server under a shell that kills it when this test process is gone (and that
    /// ends when the server does).
    private static func launch(binary: String, directory: String) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", """
            "$1" --config-file="$2/config.xml" >"$2/stdout" 2>&1 &
            server=$!
            echo $server >"$2/server.pid"
            while kill -0 "$3" 2>/dev/null && kill -0 $server 2>/dev/null; do sleep 0.5; done
            kill -9 $server 2>/dev/null; wait $server
            kill -0 "$3" 2>/dev/null || rm -rf "$2"
            """, "clickhouse-watchdog", binary, directory, "\(getpid())"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Polls `GET /ping` until the server answers `Ok.` (at most 30 s).
    private static func waitUntilReady(_ server: Server, processes: [Process], folder: URL) throws {
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if processes.contains(where: { !$0.isRunning }) { break }
            if let answer = try? String(contentsOf: URL(string: "http://\(server.host):\(server.httpPort)/ping")!, encoding: .utf8),
               answer.hasPrefix("Ok.") { return }
            usleep(100_000)
        }
        let logs = (try? FileManager.default.subpathsOfDirectory(atPath: folder.path).filter { $0.hasSuffix("error.log") || $0.hasSuffix("stdout") }) ?? []
        let tail = logs.compactMap { try? String(contentsOfFile: folder.appendingPathComponent($0).path, encoding: .utf8) }
            .map { String($0.suffix(600)) }.joined(separator: "\n")
        throw HarnessError(message: "clickhouse-server at \(server.host):\(server.httpPort) did not answer /ping: \(tail)")
    }

    /// `count` ports free on every one of `hosts`.
    private static func freePorts(count: Int, on hosts: [String]) throws -> [Int] {
        var ports: [Int] = []
        var attempts = 0
        while ports.count < count {
            attempts += 1
            guard attempts < 200 else { throw HarnessError(message: "found no free ports on \(hosts)") }
            let port = Int.random(in: 20_000...60_000)
            if !ports.contains(port), hosts.allSatisfy({ isFree(port, on: $0) }) { ports.append(port) }
        }
        return ports
    }

    private static func isFree(_ port: Int, on host: String) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, host, &address.sin_addr)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    private static func configuration(directory: String, host: String, hosts: [String], ports: [Int], cluster: String) -> String {
        let shards = hosts.map { "<shard><replica><host>\($0)</host><port>\(ports[1])</port></replica></shard>" }.joined()
        return """
            <?xml version="1.0"?>
            <yandex>
                <logger><level>warning</level><log>\(directory)/server.log</log><errorlog>\(directory)/error.log</errorlog><console>0</console></logger>
                <listen_host>\(host)</listen_host>
                <http_port>\(ports[0])</http_port>
                <tcp_port>\(ports[1])</tcp_port>
                <interserver_http_port>\(ports[2])</interserver_http_port>
                <interserver_http_host>\(host)</interserver_http_host>
                <path>\(directory)/data/</path>
                <tmp_path>\(directory)/tmp/</tmp_path>
                <user_files_path>\(directory)/user_files/</user_files_path>
                <format_schema_path>\(directory)/format_schemas/</format_schema_path>
                <users_config>users.xml</users_config>
                <default_profile>default</default_profile>
                <default_database>default</default_database>
                <mark_cache_size>67108864</mark_cache_size>
                <max_concurrent_queries>64</max_concurrent_queries>
                <remote_servers><\(cluster)>\(shards)</\(cluster)></remote_servers>
            </yandex>
            """
    }

    private static let users = """
        <?xml version="1.0"?>
        <yandex>
            <profiles><default><max_memory_usage>2000000000</max_memory_usage></default></profiles>
            <users><default><password></password><networks><ip>127.0.0.0/8</ip></networks><profile>default</profile><quota>default</quota></default></users>
            <quotas><default></default></quotas>
        </yandex>
        """

    struct HarnessError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}
