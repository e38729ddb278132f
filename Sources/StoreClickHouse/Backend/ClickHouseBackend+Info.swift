import Foundation
import IPG
import Store

extension ClickHouseBackend {
    /// Counts and lists for `deepprov info`, as `ProvenanceStore.info()` makes them.
    public func info() throws -> StoreInfo {
        let tags = TabSeparated.rows(try client.execute("SELECT tag, count() FROM \(table("traces")) GROUP BY tag ORDER BY tag FORMAT TabSeparated"))
        let perModel = TabSeparated.rows(try client.execute("SELECT model_id, count() FROM \(table("traces")) GROUP BY model_id FORMAT TabSeparated"))
        let tracesOfModel = Dictionary(perModel.compactMap { row in UInt64(row[0]).map { ($0, Int(row[1]) ?? 0) } }) { first, _ in first }
        let models = TabSeparated.rows(try client.execute("""
            SELECT id, fingerprint, name, layer_count, node_count FROM \(table("models")) FINAL ORDER BY added_order, id FORMAT TabSeparated
            """)).map { row in
            StoreInfo.ModelEntry(fingerprint: row[1], name: row[2], layers: Int(row[3]) ?? 0, nodes: Int(row[4]) ?? 0,
                                 traces: UInt64(row[0]).flatMap { tracesOfModel[$0] } ?? 0)
        }
        var reader = RowBinaryReader(try client.execute("""
            SELECT id, sources, started_at, finished_at, status, process_id, host, traces_read, traces_added, traces_skipped, message
            FROM \(table("runs")) FINAL ORDER BY id FORMAT RowBinary
            """))
        var runs: [StoreInfo.RunEntry] = []
        while !reader.atEnd {
            let id = Int64(try reader.uint64()), sources = try reader.string(), started = try reader.string()
            let finished = try reader.nullable { try $0.string() }
            let status = try reader.string()
            let processID = try reader.nullable { try $0.int32() }, host = try reader.nullable { try $0.string() }
            let read = Int(try reader.uint64()), added = Int(try reader.uint64()), skipped = Int(try reader.uint64())
            let message = try reader.nullable { try $0.string() }
            runs.append(StoreInfo.RunEntry(
                id: id, sources: sources, startedAt: started, finishedAt: finished,
                status: RunStatus.effective(recorded: status, processID: processID, host: host),
                tracesRead: read, tracesAdded: added, tracesSkipped: skipped, message: message))
        }
        let counts = tags.map { ($0[0], Int($0[1]) ?? 0) }
        return StoreInfo(traces: counts.reduce(0) { $0 + $1.1 }, tags: Dictionary(counts) { first, _ in first }, models: models, runs: runs)
    }

    /// The models, layers and tags queries may name, as `ProvenanceStore.catalog` makes them.
    public func catalog(includingParentTags: Bool) throws -> Catalog {
        let layers = TabSeparated.rows(try client.execute("""
            SELECT model_id, layer, name, kind, node_count, node_size, edge_rule FROM \(table("layers")) FINAL ORDER BY model_id, layer FORMAT TabSeparated
            """))
        // Every source of a layer, in position order (this store keeps every layer full).
        var sources: [String: [String: [Int]]] = [:]
        for row in TabSeparated.rows(try client.execute(
            "SELECT model_id, layer, source_layer FROM \(table("layer_sources")) FINAL ORDER BY model_id, layer, position FORMAT TabSeparated")) {
            sources[row[0], default: [:]][row[1], default: []].append(Int(row[2]) ?? -1)
        }
        let models = TabSeparated.rows(try client.execute(
            "SELECT id, fingerprint, name FROM \(table("models")) FINAL ORDER BY added_order, id FORMAT TabSeparated")).map { model in
            Catalog.Model(fingerprint: model[1], name: model[2], layers: layers.filter { $0[0] == model[0] }.map { row in
                var layer = Catalog.Layer(index: Int(row[1]) ?? 0, name: row[2], kind: LayerKind(rawValue: row[3]) ?? .activation,
                                          nodeCount: Int(row[4]) ?? 0, nodeSize: Int(row[5]) ?? 0)
                layer.edgeRule = EdgeRuleKind(rawValue: row[6])
                layer.sources = sources[row[0]]?[row[1]] ?? []
                return layer
            })
        }
        let tags = TabSeparated.rows(try client.execute("SELECT DISTINCT tag FROM \(table("traces")) ORDER BY tag FORMAT TabSeparated")).map { $0[0] }
        guard includingParentTags else { return Catalog(models: models, tags: tags) }
        let withParents = TabSeparated.rows(try client.execute(
            "SELECT DISTINCT tag FROM \(table("traces")) WHERE parent_index >= 0 ORDER BY tag FORMAT TabSeparated")).map { $0[0] }
        return Catalog(models: models, tags: tags, tagsWithParents: withParents)
    }
}
