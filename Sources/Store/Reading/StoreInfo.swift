import GRDB

/// What a store holds: models, runs, and traces per tag.
public struct StoreInfo: Sendable, Encodable {
    public struct ModelEntry: Sendable, Encodable {
        public var fingerprint: String
        public var name: String
        public var layers: Int
        public var nodes: Int
        public var traces: Int
        /// Layers kept at summary resolution, and derived on reading (`layers.resolution`).
        public var summarisedLayers: Int
        public var derivedLayers: Int

        public init(fingerprint: String, name: String, layers: Int, nodes: Int, traces: Int, summarisedLayers: Int = 0, derivedLayers: Int = 0) {
            (self.fingerprint, self.name, self.layers, self.nodes, self.traces) = (fingerprint, name, layers, nodes, traces)
            (self.summarisedLayers, self.derivedLayers) = (summarisedLayers, derivedLayers)
        }

        enum CodingKeys: String, CodingKey {
            case fingerprint, name, layers, nodes, traces
            case summarisedLayers = "summarised_layers", derivedLayers = "derived_layers"
        }
    }

    public struct RunEntry: Sendable, Encodable {
        public var id: Int64
        public var sources: String
        public var startedAt: String
        public var finishedAt: String?
        public var status: String
        public var tracesRead: Int
        public var tracesAdded: Int
        public var tracesSkipped: Int
        public var message: String?

        public init(id: Int64, sources: String, startedAt: String, finishedAt: String?, status: String,
                    tracesRead: Int, tracesAdded: Int, tracesSkipped: Int, message: String?) {
            (self.id, self.sources, self.startedAt, self.finishedAt, self.status) = (id, sources, startedAt, finishedAt, status)
            (self.tracesRead, self.tracesAdded, self.tracesSkipped, self.message) = (tracesRead, tracesAdded, tracesSkipped, message)
        }

        enum CodingKeys: String, CodingKey {
            case id, sources, status, message
            case startedAt = "started_at", finishedAt = "finished_at"
            case tracesRead = "traces_read", tracesAdded = "traces_added", tracesSkipped = "traces_skipped"
        }
    }

    public var traces: Int
    public var tags: [String: Int]
    public var models: [ModelEntry]
    public var runs: [RunEntry]

    public init(traces: Int, tags: [String: Int], models: [ModelEntry], runs: [RunEntry]) {
        (self.traces, self.tags, self.models, self.runs) = (traces, tags, models, runs)
    }
}

extension ProvenanceStore {
    /// Counts and lists for `deepprov info`.
    public func info() throws -> StoreInfo {
        try read { db in
                let tags = try Row.fetchAll(db, sql: "SELECT tag, COUNT(*) AS n FROM traces GROUP BY tag ORDER BY tag")
                let models = try Row.fetchAll(db, sql: """
                    SELECT m.fingerprint, m.name, m.layer_count, m.node_count, (SELECT COUNT(*) FROM traces t WHERE t.model_id = m.id) AS n,
                        (SELECT COUNT(*) FROM layers l WHERE l.model_id = m.id AND l.resolution = 'summary') AS summarised,
                        (SELECT COUNT(*) FROM layers l WHERE l.model_id = m.id AND l.resolution = 'derived') AS derived
                    FROM models m ORDER BY m.id
                    """).map { row in
                    StoreInfo.ModelEntry(fingerprint: row["fingerprint"], name: row["name"], layers: row["layer_count"], nodes: row["node_count"], traces: row["n"],
                                         summarisedLayers: row["summarised"], derivedLayers: row["derived"])
                }
                let runs = try Row.fetchAll(db, sql: "SELECT * FROM runs ORDER BY id").map { row in
                    StoreInfo.RunEntry(
                        id: row["id"], sources: row["sources"], startedAt: row["started_at"], finishedAt: row["finished_at"],
                        status: RunStatus.effective(recorded: row["status"], processID: row["process_id"], host: row["host"]), tracesRead: row["traces_read"], tracesAdded: row["traces_added"],
                        tracesSkipped: row["traces_skipped"], message: row["message"])
                }
                return StoreInfo(
                    traces: tags.reduce(0) { $0 + ($1["n"] as Int) },
                    tags: Dictionary(uniqueKeysWithValues: tags.map { ($0["tag"] as String, $0["n"] as Int) }),
                    models: models, runs: runs)
        }
    }
}
