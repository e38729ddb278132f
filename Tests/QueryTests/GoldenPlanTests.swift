import Foundation
import IPG
import Query
import Testing
import TestSupport

/// Golden plans and SQLite SQL for a corpus of queries — every saved query and one per shape
/// and stage — in `__Golden__/<name>.plan` and `<name>.sqlite.sql`. The SQL files break lines
/// before its main keywords (a newline where the statement has a space) and end with the bound
/// arguments; `<name>.clickhouse.sql` holds ClickHouse SQL where its lowering writes it. `DEEPPROV_RECORD_GOLDEN=1 swift test --filter GoldenPlanTests` rewrites them.
@Suite struct GoldenPlanTests {
    static let golden = GoldenFiles("__Golden__", besides: #filePath)

    /// Queries beyond the saved ones, by the name of their golden files.
    static let corpus: [(name: String, query: String)] = [
        ("summary-from-statistics", "from traces where tag = $tag | nodes of layer $layer | summarize count, mean, stddev, freq by node"),
        ("summary-by-scan", "from traces where tag = 'clean' and not correct | nodes of layer 2 | summarize mean, max by node | sort -mean | take 1"),
        ("quantiles-by-group", "from traces where attr('camera id') = $camera | nodes of layer 1 | summarize p90, median by predicted, node"),
        ("layer-summary-by-tag", "from traces | nodes of layer 2 | summarize mean, freq by tag, layer"),
        ("layer-versus-parent", "from traces where tag = 'fgsm' | nodes of layer 2 | summarize mean, distance by layer | versus parent"),
        ("edge-versus-parent", "from traces where tag = 'fgsm' | edges into layer 2 | summarize mean, effect, max_distance by edge | versus parent"),
        ("distance-to-centroid", "from traces where tag = 'fgsm' and distance(2, centroid(tag = 'clean' and label = $label), cosine) < 0.5 | select input, distance(2, parent)"),
        ("lineage-contrast", "from traces where tag = 'fgsm' and not correct | lineage contrast depth 2 top 2"),
        ("lineage-versus-parent", "from traces where tag = $tag | lineage depth 2 top 1 | versus parent | where not shared | summarize min(step) by trace"),
        ("layer-entropy-and-dispersion", "from traces where tag = $a | nodes of layer 2 | summarize entropy, dispersion by layer | versus traces where tag = $b"),
        ("trace-listing", "from traces where tag = 'fgsm' and (confidence < 0.5 or label = 1) | select input, predicted | sort -input | take $k"),
        ("related-traces", "from traces where tag = 'fgsm' and parent(correct and confidence > $c) | select input"),
        ("nested-relations", "from traces where child(parent(attr('cam') = 'x')) | select input"),
        ("versus-traces", "from traces where tag = $a | nodes of layer $layer | summarize mean by node | versus traces where tag = $b | sort -abs(mean_diff) | take $k"),
        ("versus-parent", "from traces where tag = 'fgsm' | nodes of layer 1 | summarize mean, stddev, effect, distance, max_distance by node | versus parent"),
        ("edge-summary", "from traces where tag = 'clean' | edges into layer 2 | summarize min, max by edge"),
        ("edge-comparison", "from traces where tag = 'clean' | edges into layer 2 | summarize freq, mean, effect by label, edge | versus traces where tag = 'fgsm'"),
        ("edges", "from traces where tag = 'clean' and input = 3 | edges into layer 2 | sort -contribution | take 2"),
        ("lineage-backward", "from traces where tag = $tag and input = $input | lineage depth 2 top 2 | where target = 2:1"),
        ("lineage-forward", "from traces where tag = 'clean' | lineage forward from 1:0 depth 1 top 2"),
        ("nearest", "from traces where correct and label = 1 | nearest 5 to trace $trace in layer 2 by cosine | where tag != 'fgsm'"),
        ("trace-measures", "from traces where tag = 'fgsm' and prob(label) < 0.5 | select input, prob(label) as p, margin, entropy(1), distance(2, parent) | sort -distance_2_parent"),
        ("output-and-layer-measures", "from traces where tag = 'fgsm' and entropy(1) > $e | select model, input, prob(label) as p, margin, margin(1), l1(1), active(2) | sort -p"),
        ("node-values", "from traces where tag = 'clean' and input < 2 | nodes of layer 1 | where value > 0"),
        ("parent-columns", "from traces where tag = 'fgsm' | select input, confidence, parent.confidence, parent.correct | sort -parent_confidence"),
        ("row-summary-of-traces", "from traces where tag = 'fgsm' | summarize count, mean(correct), min(confidence) by label | where count > 1"),
        ("row-summary-of-lineage", "from traces where tag = 'fgsm' and not correct | lineage depth 2 top 2 | where step = 2 | summarize count, sum(flow) by path | sort -count | take 5"),
        ("row-summary-of-summaries", "from traces | summarize count by label, predicted | summarize max(count)"),
        ("derived-rows", "from traces where tag = 'fgsm' | nodes of layer 1 | summarize mean, stddev by node | versus traces where tag = 'clean'"
            + " | derive z = mean_diff / stddev_b | where abs(z) > 1 | sort -abs(z) | select node, z as score | take 3"),
    ]

    static func savedQueries() throws -> [(name: String, query: String)] {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Queries")
        return try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".dpq") }.sorted().map { file in
            let saved = try SavedQuery(text: String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8), file: file)
            return (saved.name, saved.source.text)
        }
    }

    @Test func plansAndSQLMatchTheirGoldenFiles() throws {
        let queries = try Self.savedQueries() + Self.corpus
        #expect(queries.count >= 27)
        for (name, text) in queries {
            let compiled = try QueryCompiler.compile(SourceText(text), catalog: QueryCompilerTests.catalog).get()
            let plan = "-- " + text + "\n" + compiled.plan.description
            #expect(Self.golden.mismatch(plan, name: name + ".plan") == nil, "\(Self.golden.mismatch(plan, name: name + ".plan") ?? "")")
            let sql = Self.breakingLines(compiled.sql) + "\n-- arguments: " + compiled.arguments.map(Self.text).joined(separator: ", ") + "\n"
            #expect(Self.golden.mismatch(sql, name: name + ".sqlite.sql") == nil, "\(Self.golden.mismatch(sql, name: name + ".sqlite.sql") ?? "")")
            #expect(compiled.sql.components(separatedBy: "?").count - 1 == compiled.arguments.count, "one argument per placeholder: \(name)")
        }
    }

    /// The ClickHouse SQL of the queries its lowering writes, in `<name>.clickhouse.sql`;
    /// the others are refused (E063). Which queries those are is pinned here.
    @Test func clickHouseSQLMatchesItsGoldenFiles() throws {
        var written: [String] = []
        for (name, text) in try Self.savedQueries() + Self.corpus {
            switch QueryCompiler.compile(SourceText(text), catalog: QueryCompilerTests.catalog, lowering: ClickHouseLowering()) {
            case .failure(let diagnostics):
                #expect(diagnostics.first.code == .notLowerable, "\(name): \(diagnostics.first.message)")
            case .success(let compiled):
                written.append(name)
                let sql = Self.breakingLines(compiled.sql) + "\n-- arguments: " + compiled.arguments.map(Self.text).joined(separator: ", ") + "\n"
                #expect(Self.golden.mismatch(sql, name: name + ".clickhouse.sql") == nil, "\(Self.golden.mismatch(sql, name: name + ".clickhouse.sql") ?? "")")
                #expect(compiled.sql.components(separatedBy: "?").count - 1 == compiled.arguments.count, "one argument per placeholder: \(name)")
            }
        }
        #expect(written == ["class-confusion", "class-diff", "class-envelope", "diff-nodes", "diverging-edges", "feature-lineage", "layer-activity",
                            "misclassified", "node-stats", "paired-nodes", "repair-candidates", "top-edges", "trace-lineage", "summary-from-statistics",
                            "summary-by-scan", "layer-summary-by-tag", "layer-versus-parent", "trace-listing", "related-traces", "nested-relations", "versus-traces", "versus-parent", "edge-summary",
                            "edges", "lineage-backward", "lineage-forward", "trace-measures", "output-and-layer-measures", "node-values", "parent-columns", "row-summary-of-traces", "row-summary-of-lineage",
                            "row-summary-of-summaries", "derived-rows"])
    }

    /// The statement with a newline instead of the space before each main keyword.
    static func breakingLines(_ sql: String) -> String {
        var text = sql.replacingOccurrences(of: " CROSS JOIN ", with: "\u{1}")
            .replacingOccurrences(of: " ARRAY JOIN ", with: "\u{2}").replacingOccurrences(of: " GLOBAL ANY INNER JOIN ", with: "\u{3}")
        for keyword in ["SELECT ", "FROM ", "WHERE ", "GROUP BY ", "ORDER BY ", "LIMIT ", "UNION ALL ", "JOIN "] {
            text = text.replacingOccurrences(of: " " + keyword, with: "\n" + keyword)
        }
        return text.replacingOccurrences(of: "\u{1}", with: "\nCROSS JOIN ")
            .replacingOccurrences(of: "\u{2}", with: "\nARRAY JOIN ").replacingOccurrences(of: "\u{3}", with: "\nGLOBAL ANY INNER JOIN ")
    }

    static func text(_ argument: CompiledQuery.Argument) -> String {
        switch argument {
        case .integer(let value): return String(value)
        case .number(let value): return String(value)
        case .string(let value): return "'" + value + "'"
        case .parameter(let name): return "$" + name
        }
    }
}
