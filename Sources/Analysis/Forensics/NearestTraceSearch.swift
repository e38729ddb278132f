import Foundation
import IPG
import Store

/// The exact k nearest traces of one model, by Euclidean distance of node values in one layer,
/// among the correctly classified traces of some classes (any tag); ties go to the smaller id.
/// Candidates are visited by how close their L2 norm in the layer (`value_block_norms`) is to
/// the query's, a lower bound of their distance (less the stored norm's rounding), a chunk at a time (each chunk's compressed
/// values decoded by the store, that layer only); the search stops when the next bound
/// exceeds the k-th distance found, so it is exact while decoding only the traces that could
/// still be among the nearest.
struct NearestTraceSearch {
    let backend: any ProvenanceBackend
    let fingerprint: String
    let layer: Int
    /// The layer's node size (values per node): a node's value is its elements' mean.
    let nodeSize: Int
    /// Traces decoded in the first chunk; the next chunks double until k neighbours are found,
    /// then take every trace left whose bound is within the k-th distance.
    var chunk = 1024
    /// A stored norm's largest error relative to the norm (`value_block_norms` keeps float32:
    /// rounding of at most 2^-24, doubled).
    static let storedNormError = 0x1p-23

    /// Per class of `labels`, the `count` nearest correct traces to `values`, `excluded` aside.
    func nearest(to values: [Double], ofClasses labels: [Int], count: Int, excluding excluded: Int64) throws -> [Int: [Neighbour]] {
        let classes = Array(Set(labels)).sorted()
        let placeholders = classes.map { _ in "?" }.joined(separator: ", ")
        let table = try backend.run(sql: """
            SELECT t.id, t.true_label, ipg_block_l2_norm(n.norms, t.value_row) FROM traces t JOIN value_block_norms n ON n.block = t.value_block AND n.layer = ?
            WHERE t.model_id = (SELECT id FROM models WHERE fingerprint = ?)
              AND t.true_label IN (\(placeholders)) AND t.predicted_label = t.true_label AND t.id != ?
            """, arguments: [.integer(Int64(layer)), .text(fingerprint)] + classes.map { .integer(Int64($0)) } + [.integer(excluded)])
        let norm = values.reduce(0) { $0 + $1 * $1 }.squareRoot()
        var candidates: [Int: [(id: Int64, bound: Double)]] = [:]
        for row in table.rows {
            guard case .integer(let id) = row[0], case .integer(let label) = row[1], let stored = row[2].number else { continue }
            // Stored as float32 (migration 0013): within `storedNormError` of the norm, so the
            // bound less that stays below the distance.
            candidates[Int(label), default: []].append((id, max(0, abs(stored - norm) - stored * Self.storedNormError)))
        }
        var found: [Int: [Neighbour]] = [:]
        for label in classes {
            let ordered = (candidates[label] ?? []).sorted { ($0.bound, $0.id) < ($1.bound, $1.id) }
            var best: [Neighbour] = [], position = 0, size = max(1, chunk)
            while position < ordered.count {
                if best.count == count, let last = best.last {
                    // Rounding aside, no trace whose bound exceeds the k-th distance found can be nearer.
                    let reach = last.distance * (1 + 1e-9) + 1e-12
                    guard ordered[position].bound <= reach else { break }
                    // The next chunk: every trace left within reach (the k-th distance only shrinks).
                    var end = position
                    var step = ordered.count - position
                    while step > 0 {
                        if end + step <= ordered.count, ordered[end + step - 1].bound <= reach { end += step } else { step /= 2 }
                    }
                    size = max(end - position, 1)
                }
                let ids = ordered[position..<min(position + size, ordered.count)].map(\.id)
                position += ids.count
                size *= 2
                for neighbour in try distances(of: ids, to: values) { Self.keep(neighbour, in: &best, count: count) }
            }
            found[label] = best
        }
        return found
    }

    /// The traces' distances to `values`, computed by the store (`ipg_point_distance`, each
    /// value block of the layer decoded once; `values` handed over bit for bit as float64): the
    /// same sum of squared differences in node order as a computation here, without writing and
    /// parsing every trace's node values as text.
    private func distances(of ids: [Int64], to values: [Double]) throws -> [Neighbour] {
        var point = Data(capacity: values.count * 8)
        for value in values { withUnsafeBytes(of: value.bitPattern.littleEndian) { point.append(contentsOf: $0) } }
        let table = try backend.run(sql: """
            SELECT t.id, ipg_point_distance(t.value_block, t.value_row, ?, ?, ?) FROM traces t
            WHERE t.id IN (\(ids.map { _ in "?" }.joined(separator: ", ")))
            """, arguments: [.integer(Int64(layer)), .integer(Int64(nodeSize)), .blob(point)] + ids.map { .integer($0) })
        return table.rows.compactMap { row in
            guard case .integer(let id) = row[0], let distance = row[1].number else { return nil }
            return Neighbour(trace: id, distance: distance)
        }
    }

    /// Inserts `neighbour` into `list` (sorted by distance, then id) when it is among the `count` nearest.
    private static func keep(_ neighbour: Neighbour, in list: inout [Neighbour], count: Int) {
        let before = { (a: Neighbour, b: Neighbour) in (a.distance, a.trace) < (b.distance, b.trace) }
        if list.count == count, let last = list.last, !before(neighbour, last) { return }
        list.insert(neighbour, at: list.firstIndex { before(neighbour, $0) } ?? list.count)
        if list.count > count { list.removeLast() }
    }

    /// `[1.5,2,…]` (what `ipg_nodes` writes) as numbers.
    static func numbers(_ text: String) -> [Double] {
        text.utf8.split { $0 == UInt8(ascii: "[") || $0 == UInt8(ascii: "]") || $0 == UInt8(ascii: ",") }
            .compactMap { Double(Substring($0)) }
    }
}
