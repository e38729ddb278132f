import GRDB
import IPG

extension ProvenanceStore {
    /// The models, layers and tags queries may name; with `includingParentTags`, also which
    /// tags have traces with parents (what `versus parent` needs: a read of each tag's index
    /// range, 40 ms on a 1M-trace store, so only queries that pair ask for it).
    public func catalog(includingParentTags: Bool) throws -> Catalog {
        try read { db in
            let layers = try Row.fetchAll(db, sql: "SELECT * FROM layers ORDER BY model_id, layer")
            // Every source of every layer, in operand order (a merge layer has several).
            var sources: [Int64: [Int: [Int]]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT model_id, layer, source_layer FROM layer_sources ORDER BY model_id, layer, position") {
                sources[row["model_id"], default: [:]][row["layer"], default: []].append(row["source_layer"])
            }
            let models = try Row.fetchAll(db, sql: "SELECT id, fingerprint, name FROM models ORDER BY id").map { model in
                Catalog.Model(
                    fingerprint: model["fingerprint"], name: model["name"],
                    layers: layers.filter { $0["model_id"] as Int64 == model["id"] as Int64 }.map { row in
                        // A resolution this build does not know (a newer store's) counts as a
                        // summary: node queries read it, edge queries refuse it.
                        var layer = Catalog.Layer(
                            index: row["layer"], name: row["name"], kind: LayerKind(rawValue: row["kind"]) ?? .activation,
                            nodeCount: row["node_count"], nodeSize: row["node_size"],
                            resolution: LayerResolution(rawValue: row["resolution"]) ?? .summary,
                            sources: sources[row["model_id"]]?[row["layer"]] ?? [])
                        // A rule this build does not know (a newer store's) stays nil: edge queries refuse it.
                        layer.edgeRule = EdgeRuleKind(rawValue: row["edge_rule"])
                        return layer
                    })
            }
            // Every stored tag has layer statistics: a small table, unlike traces.
            let tags = try String.fetchAll(db, sql: "SELECT DISTINCT tag FROM layer_statistics ORDER BY tag")
            // Per model and tag, whether some trace has a parent: the tag's range of the
            // unique index, which holds parent_index, read until one has (a tag whose traces
            // have none is read to its end: 40 ms for 500,000 traces of 1M, where a DISTINCT
            // over the traces with parents reads each of their rows, 10 s).
            guard includingParentTags else { return Catalog(models: models, tags: tags) }
            let tagsWithParents = try String.fetchAll(db, sql: """
                SELECT DISTINCT s.tag FROM (SELECT DISTINCT model_id, tag FROM layer_statistics) s
                WHERE EXISTS (SELECT 1 FROM traces t WHERE t.model_id = s.model_id AND t.tag = s.tag AND t.parent_index >= 0) ORDER BY s.tag
                """)
            return Catalog(models: models, tags: tags, tagsWithParents: tagsWithParents)
        }
    }
}
