import Analysis
import Foundation

/// A characterization as `deepprov characterize` prints it.
enum CharacterizationOutput {
    /// One JSON object, keys in snake_case; a missing value is null, and the paired measures
    /// are absent unless `paired`.
    static func json(_ report: Characterization) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return String(decoding: try encoder.encode(report), as: UTF8.self)
    }

    /// For a person: per layer, the pooled measures, then the most divergent nodes and edges.
    static func table(_ report: Characterization, top: Int) -> String {
        var out = "'\(report.a)' (a) against '\(report.b)' (b), model \(report.model)\n\(report.pairing)\n"
        for layer in report.layers {
            out += "\nlayer \(layer.layer) (\(layer.name), \(layer.kind), \(layer.nodeCount) nodes)\n"
            var rows: [[String]] = [["", "a", "b", "a - b"]]
            let compared = { (name: String, value: Compared) in rows.append([name, number(value.a), number(value.b), number(value.diff)]) }
            compared("traces", layer.traces)
            compared("mean", layer.mean)
            compared("stddev", layer.stddev)
            compared("active share", layer.freq)
            compared("min", layer.min)
            compared("max", layer.max)
            compared("dispersion", layer.dispersion)
            rows.append(["entropy (bits)", spread(layer.entropyA), spread(layer.entropyB), number(layer.entropy.diff)])
            rows.append(["active nodes", spread(layer.activeA), spread(layer.activeB), number(layer.active.diff)])
            out += aligned(rows, indent: "  ")
            if let distance = layer.pairedDistance {
                out += "  distance from the parent (Euclidean): mean \(number(distance.mean)), stddev \(number(distance.stddev)), "
                    + "min \(number(distance.min)), max \(number(distance.max)) over \(distance.pairs) pairs\n"
            }
            out += "\n  nodes whose mean differs most\n"
            var nodeRows = [["node", "freq_a", "freq_b", "mean_a", "mean_b", "mean_diff", "stddev_a", "stddev_b", "disp_a", "disp_b", "effect"]
                + (report.paired ? ["paired_diff", "distance"] : [])]
            for node in layer.mostDivergentNodes(top) {
                nodeRows.append(["\(layer.layer):\(node.node)", number(node.freq.a), number(node.freq.b), number(node.mean.a), number(node.mean.b),
                                 number(node.mean.diff), number(node.stddev.a), number(node.stddev.b), number(node.dispersion.a),
                                 number(node.dispersion.b), number(node.effect)]
                    + (report.paired ? [number(node.paired?.meanDifference), number(node.paired?.distance)] : []))
            }
            out += aligned(nodeRows, indent: "  ")
            if let edges = layer.edges, !edges.isEmpty {
                out += "\n  edges whose mean contribution differs most\n"
                out += aligned([["source", "target", "mean_a", "mean_b", "mean_diff", "stddev_a", "stddev_b"]] + edges.map { edge in
                    [edge.source, edge.target, number(edge.mean.a), number(edge.mean.b), number(edge.mean.diff), number(edge.stddev.a), number(edge.stddev.b)]
                }, indent: "  ")
            }
        }
        return out
    }

    private static func aligned(_ rows: [[String]], indent: String) -> String {
        let widths = (0..<(rows.map(\.count).max() ?? 0)).map { column in rows.map { $0.indices.contains(column) ? $0[column].count : 0 }.max() ?? 0 }
        return rows.map { row in
            let line = indent + row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  ")
            return String(line.reversed().drop { $0 == " " }.reversed()) + "\n"
        }.joined()
    }

    private static func spread(_ value: OverTraces) -> String { "\(number(value.mean)) ± \(number(value.stddev))" }

    /// Whole numbers (counts) as they are, others to 4 significant digits.
    private static func number(_ value: Double?) -> String { value.map { $0 == $0.rounded() && abs($0) < 1e9 ? String(Int($0)) : String(format: "%.4g", $0) } ?? "-" }
}
