import Dispatch
import Foundation
import IPG
import Store

/// The exact k nearest traces of one model, by Euclidean distance of node values in one layer,
/// among the correctly classified traces of some classes (any tag). Every candidate is read
/// and ranked: one statement fetches the candidates' compressed values, which are decoded
/// (that layer only) on every core; ties go to the smaller id.
struct NearestTraceSearch {
    let backend: any ProvenanceBackend
    let fingerprint: String
    let layer: Int
    /// The layer's node size (values per node): a node's value is its elements' mean.
    let nodeSize: Int

    /// Per class of `labels`, the `count` nearest correct traces to `values`, `excluded` aside.
    func nearest(to values: [Double], ofClasses labels: [Int], count: Int, excluding excluded: Int64) throws -> [Int: [Neighbour]] {
        let classes = Array(Set(labels)).sorted()
        let placeholders = classes.map { _ in "?" }.joined(separator: ", ")
        let table = try backend.run(sql: """
            SELECT t.id, t.true_label, t.node_values, t.value_encoding FROM traces t
            WHERE t.model_id = (SELECT id FROM models WHERE fingerprint = ?)
              AND t.true_label IN (\(placeholders)) AND t.predicted_label = t.true_label AND t.id != ?
            """, arguments: [.text(fingerprint)] + classes.map { .integer(Int64($0)) } + [.integer(excluded)])
        let rows = table.rows
        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, rows.count / 1000 + 1))
        let results = ChunkResults(count: workers)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            let codec = TraceValueCodec()
            var best: [Int: [Neighbour]] = [:]
            var index = worker
            while index < rows.count {
                let row = rows[index]
                index += workers
                guard case .integer(let id) = row[0], case .integer(let label) = row[1], case .blob(let blob) = row[2],
                      case .integer(let code) = row[3], let encoding = ValueEncoding(rawValue: UInt8(clamping: code)),
                      let layers = try? codec.decode([UInt8](blob), encoding: encoding, only: layer), layers.indices.contains(layer),
                      layers[layer].count == values.count * nodeSize
                else { continue }
                let neighbour = Neighbour(trace: id, distance: distance(values, layers[layer]))
                Self.keep(neighbour, in: &best[Int(label), default: []], count: count)
            }
            results.set(worker, best)
        }
        var merged: [Int: [Neighbour]] = [:]
        for partial in results.all {
            for (label, neighbours) in partial {
                for neighbour in neighbours { Self.keep(neighbour, in: &merged[label, default: []], count: count) }
            }
        }
        return merged
    }

    /// Inserts `neighbour` into `list` (sorted by distance, then id) when it is among the `count` nearest.
    private static func keep(_ neighbour: Neighbour, in list: inout [Neighbour], count: Int) {
        let before = { (a: Neighbour, b: Neighbour) in (a.distance, a.trace) < (b.distance, b.trace) }
        if list.count == count, let last = list.last, !before(neighbour, last) { return }
        list.insert(neighbour, at: list.firstIndex { before(neighbour, $0) } ?? list.count)
        if list.count > count { list.removeLast() }
    }

    /// Euclidean distance between node values and a layer's raw values (node means taken).
    private func distance(_ a: [Double], _ raw: [Float]) -> Double {
        var sum = 0.0
        for node in a.indices {
            var value = 0.0
            for position in (node * nodeSize)..<((node + 1) * nodeSize) { value += Double(raw[position]) }
            let difference = a[node] - value / Double(nodeSize)
            sum += difference * difference
        }
        return sum.squareRoot()
    }

    static func distance(_ a: [Double], _ b: [Double]) -> Double {
        var sum = 0.0
        for index in a.indices {
            let difference = a[index] - b[index]
            sum += difference * difference
        }
        return sum.squareRoot()
    }

    /// `[1.5,2,…]` (what `ipg_nodes` writes) as numbers.
    static func numbers(_ text: String) -> [Double] {
        text.utf8.split { $0 == UInt8(ascii: "[") || $0 == UInt8(ascii: "]") || $0 == UInt8(ascii: ",") }
            .compactMap { Double(Substring($0)) }
    }
}

/// Each worker's nearest lists, written once per worker.
private final class ChunkResults: @unchecked Sendable {
    private var results: [[Int: [Neighbour]]]
    private let lock = NSLock()

    init(count: Int) { results = Array(repeating: [:], count: count) }

    func set(_ worker: Int, _ value: [Int: [Neighbour]]) { lock.withLock { results[worker] = value } }

    var all: [[Int: [Neighbour]]] { lock.withLock { results } }
}
