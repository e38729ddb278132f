import Store
import Testing

/// `--db` values: file paths, ClickHouse URLs, and the URLs refused with the reason.
@Suite struct ClickHouseAddressTests {
    @Test func pathsAndURLsAreTold() throws {
        #expect(try StoreLocation(parsing: "runs/store.sqlite") == .sqlite(path: "runs/store.sqlite"))
        #expect(try StoreLocation(parsing: "clickhouse://db.example:8123/prov")
            == .clickHouse(ClickHouseAddress(host: "db.example", port: 8123, database: "prov")))
        let clustered = try ClickHouseAddress(parsing: "clickhouse://10.0.0.5:8124/prov_2?cluster=pair")
        #expect(clustered == ClickHouseAddress(host: "10.0.0.5", port: 8124, database: "prov_2", cluster: "pair"))
        #expect(clustered.description == "clickhouse://10.0.0.5:8124/prov_2?cluster=pair")
    }

    @Test(arguments: [
        ("clickhouse://host/prov", "no port"),
        ("clickhouse://host:8123/", "no database"),
        ("clickhouse://host:8123/prov;drop", "is not a plain identifier"),
        ("clickhouse://host:8123/1prov", "is not a plain identifier"),
        ("clickhouse://host:8123/prov?cluster=a-b", "is not a plain identifier"),
        ("clickhouse://host:8123/prov?shards=2", "unknown parameter 'shards'"),
        ("clickhouse://user:pw@host:8123/prov", "unexpected user"),
    ])
    func badURLsAreRefusedWithTheReason(url: String, reason: String) {
        let error = #expect(throws: StoreError.self) { try StoreLocation(parsing: url) }
        #expect(error?.message.hasPrefix(url + ": ") == true)
        #expect(error?.message.contains(reason) == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("expected clickhouse://HOST:PORT/DATABASE[?cluster=NAME]") == true)
    }
}
