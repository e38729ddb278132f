import Dispatch
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Store

/// Talks to one ClickHouse server over its HTTP interface with FoundationNetworking's
/// `URLSession`: a statement in the request body, or (with data to insert) in the `query`
/// parameter and the data, gzip-compressed, in the body. A failure is a `StoreError` naming
/// the store (`location`), with the server's message and the failing SQL.
final class ClickHouseClient: @unchecked Sendable {
    let host: String
    let port: Int
    /// How messages name the store (its URL).
    let location: String
    private let session: URLSession
    private let lock = NSLock()
    private var running: [Int: URLSessionDataTask] = [:]
    private var nextTask = 0

    init(host: String, port: Int, location: String) {
        self.host = host
        self.port = port
        self.location = location
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 600
        configuration.httpMaximumConnectionsPerHost = 4
        session = URLSession(configuration: configuration)
    }

    deinit { session.invalidateAndCancel() }

    /// The same server's client for another host (a shard), on the same port.
    func sibling(host: String) -> ClickHouseClient {
        ClickHouseClient(host: host, port: port, location: location)
    }

    /// Runs `sql` and returns the response's bytes (in the format the statement names).
    /// `database` is the default database; `settings` are ClickHouse settings for this query.
    @discardableResult
    func execute(_ sql: String, database: String? = nil, settings: [String: String] = [:]) throws -> Data {
        try send(query: nil, body: Data(sql.utf8), compressed: false, sql: sql, database: database, settings: settings)
    }

    /// Runs `sql` (an `INSERT … FORMAT …`) with `data` as its input, sent gzip-compressed.
    func insert(_ sql: String, data: Data, database: String? = nil, settings: [String: String] = [:]) throws {
        _ = try send(query: sql, body: try Gzip.compress(data), compressed: true, sql: sql, database: database, settings: settings)
    }

    /// Stops the requests in flight (from any thread); they fail.
    func cancelAll() {
        lock.withLock { running.values.forEach { $0.cancel() } }
    }

    private func send(query: String?, body: Data, compressed: Bool, sql: String, database: String?, settings: [String: String]) throws -> Data {
        var components = URLComponents()
        components.scheme = "http"
        components.host = host
        components.port = port
        components.path = "/"
        var items: [URLQueryItem] = []
        if let query { items.append(URLQueryItem(name: "query", value: query)) }
        if let database { items.append(URLQueryItem(name: "database", value: database)) }
        // Errors then come with an HTTP error status, not after rows already sent.
        items.append(URLQueryItem(name: "wait_end_of_query", value: "1"))
        for (name, value) in settings.sorted(by: { $0.key < $1.key }) { items.append(URLQueryItem(name: name, value: value)) }
        components.queryItems = items
        // `+` in a query parameter would read as a space.
        components.percentEncodedQuery = components.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B")
        guard let url = components.url else {
            throw StoreError(path: location, reason: .badLocation(detail: "cannot make an HTTP URL for \(host):\(port)"))
        }
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.httpBody = body
        if compressed { request.setValue("gzip", forHTTPHeaderField: "Content-Encoding") }
        let outcome = Outcome()
        let semaphore = DispatchSemaphore(value: 0)
        let task = session.dataTask(with: request) { data, response, error in
            outcome.set(data: data, response: response as? HTTPURLResponse, error: error)
            semaphore.signal()
        }
        let id = lock.withLock { () -> Int in
            nextTask += 1
            running[nextTask] = task
            return nextTask
        }
        task.resume()
        semaphore.wait()
        lock.withLock { running[id] = nil }
        let (data, response, error) = outcome.get()
        if let error {
            throw StoreError(path: location, reason: .server(
                message: "cannot reach the ClickHouse server at \(host):\(port) (\(error.localizedDescription))", sql: nil))
        }
        guard let response else {
            throw StoreError(path: location, reason: .server(message: "no HTTP response from \(host):\(port)", sql: nil))
        }
        guard response.statusCode == 200 else {
            let text = String(decoding: data ?? Data(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw StoreError(path: location, reason: .server(message: "ClickHouse error (HTTP \(response.statusCode)): \(Self.readable(text))", sql: sql))
        }
        return data ?? Data()
    }

    /// ClickHouse's `Code: N, e.displayText() = DB::Exception: message, e.what() = …` as
    /// `Code N: message`, on one line (a failed distributed query lists each attempt on its own).
    static func readable(_ text: String) -> String {
        let text = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: " ")
        guard text.hasPrefix("Code: "), let display = text.range(of: "e.displayText() = ") else { return text }
        let code = text.dropFirst(6).prefix { $0.isNumber }
        var message = text[display.upperBound...]
        if let what = message.range(of: ", e.what() = ", options: .backwards) { message = message[..<what.lowerBound] }
        if message.hasPrefix("DB::Exception: ") { message = message.dropFirst("DB::Exception: ".count) }
        return "Code \(code): \(message)"
    }
}

/// What a data task handed back, passed from the session's thread to the waiting one.
private final class Outcome: @unchecked Sendable {
    private let lock = NSLock()
    private var value: (Data?, HTTPURLResponse?, (any Error)?) = (nil, nil, nil)

    func set(data: Data?, response: HTTPURLResponse?, error: (any Error)?) {
        lock.withLock { value = (data, response, error) }
    }

    func get() -> (Data?, HTTPURLResponse?, (any Error)?) {
        lock.withLock { value }
    }
}
