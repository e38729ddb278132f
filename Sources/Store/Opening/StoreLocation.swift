import Foundation

/// Where a `--db` value says a store is: an SQLite file, or a ClickHouse server's database
/// (`clickhouse://HOST:PORT/DATABASE[?cluster=NAME]`, PORT being the HTTP interface's).
/// The one place such values are parsed.
public enum StoreLocation: Equatable, Sendable {
    case sqlite(path: String)
    case clickHouse(ClickHouseAddress)

    /// Reads a `--db` value: a `clickhouse://` URL, else a file path.
    public init(parsing text: String) throws {
        guard text.lowercased().hasPrefix(ClickHouseAddress.scheme + "://") else {
            self = .sqlite(path: text)
            return
        }
        self = .clickHouse(try ClickHouseAddress(parsing: text))
    }
}

/// A ClickHouse store: the server's HTTP interface, the database, and the cluster its traces
/// are sharded over (nil: plain tables on that one server).
public struct ClickHouseAddress: Equatable, Sendable, CustomStringConvertible {
    public static let scheme = "clickhouse"
    public var host: String
    public var port: Int
    public var database: String
    public var cluster: String?

    public init(host: String, port: Int, database: String, cluster: String? = nil) {
        self.host = host
        self.port = port
        self.database = database
        self.cluster = cluster
    }

    /// Parses `clickhouse://HOST:PORT/DATABASE[?cluster=NAME]`; the database and the cluster
    /// must be plain identifiers (letters, digits, `_`, not starting with a digit).
    public init(parsing text: String) throws {
        func refuse(_ why: String) -> StoreError {
            StoreError(path: text, reason: .badLocation(detail: "\(why); expected clickhouse://HOST:PORT/DATABASE[?cluster=NAME]"))
        }
        guard let components = URLComponents(string: text), components.scheme?.lowercased() == Self.scheme else {
            throw refuse("not a URL")
        }
        guard let host = components.host, !host.isEmpty else { throw refuse("no host") }
        guard let port = components.port, (1...65_535).contains(port) else { throw refuse("no port (the HTTP interface's, often 8123)") }
        let database = String(components.path.drop { $0 == "/" })
        guard !database.isEmpty else { throw refuse("no database") }
        guard Self.isIdentifier(database) else { throw refuse("the database '\(database)' is not a plain identifier") }
        guard components.user == nil, components.password == nil, components.fragment == nil else {
            throw refuse("unexpected user, password or fragment")
        }
        var cluster: String?
        for item in components.queryItems ?? [] {
            guard item.name == "cluster", let value = item.value, cluster == nil else { throw refuse("unknown parameter '\(item.name)'") }
            guard Self.isIdentifier(value) else { throw refuse("the cluster '\(value)' is not a plain identifier") }
            cluster = value
        }
        self.init(host: host, port: port, database: database, cluster: cluster)
    }

    /// The URL again, as messages name the store.
    public var description: String {
        "\(Self.scheme)://\(host):\(port)/\(database)" + (cluster.map { "?cluster=\($0)" } ?? "")
    }

    /// Letters, digits and `_`, not starting with a digit: safe to write into SQL unquoted.
    public static func isIdentifier(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, !("0"..."9").contains(first) else { return false }
        return text.unicodeScalars.allSatisfy { $0.isASCII && ($0 == "_" || ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)) }
    }
}
