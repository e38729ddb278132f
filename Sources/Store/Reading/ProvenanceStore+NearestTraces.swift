import Foundation
import IPG

/// The exact nearest-trace search on SQLite. Candidates are visited by how close their L2 norm
/// in the layer (`value_block_norms`) is to the point's, a lower bound of their distance (less
/// the stored norm's rounding), a chunk at a time (each chunk's compressed values decoded, that
/// layer only); the search stops when the next bound exceeds the k-th distance found, so it is
/// exact while decoding only the traces that could still be among the nearest.
extension ProvenanceStore {
    /// A stored norm's largest error relative to the norm (`value_block_norms` keeps float32:
    /// rounding of at most 2^-24, doubled).
    static let storedNormError = 0x1p-23

    public func nearestCorrectTraces(_ request: NearestTraceRequest) throws -> [Int: [TraceDistance]] {
        let classes = Array(Set(request.classes)).sorted()
        guard !classes.isEmpty, request.count > 0 else { return [:] }
        let placeholders = classes.map { _ in "?" }.joined(separator: ", ")
        let table = try run(sql: """
            SELECT t.id, t.true_label, ipg_block_l2_norm(n.norms, t.value_row) FROM traces t JOIN value_block_norms n ON n.block = t.value_block AND n.layer = ?
            WHERE t.model_id = (SELECT id FROM models WHERE fingerprint = ?)
              AND t.true_label IN (\(placeholders)) AND t.predicted_label = t.true_label AND t.id != ?
            """, arguments: [.integer(Int64(request.layer)), .text(request.modelFingerprint)] + classes.map { .integer(Int64($0)) } + [.integer(request.excluding)])
        let norm = request.point.reduce(0) { $0 + $1 * $1 }.squareRoot()
        var candidates: [Int: [(id: Int64, bound: Double)]] = [:]
        for row in table.rows {
            guard case .integer(let id) = row[0], case .integer(let label) = row[1], let stored = row[2].number else { continue }
            // Stored as float32 (migration 0013): within `storedNormError` of the norm, so the
            // bound less that stays below the distance.
            candidates[Int(label), default: []].append((id, max(0, abs(stored - norm) - stored * Self.storedNormError)))
        }
        let nodeSize = try layerNodeSize(model: request.modelFingerprint, layer: request.layer)
        var found: [Int: [TraceDistance]] = [:]
        for label in classes {
            let ordered = (candidates[label] ?? []).sorted { ($0.bound, $0.id) < ($1.bound, $1.id) }
            var best: [TraceDistance] = [], position = 0, size = max(1, request.chunk)
            while position < ordered.count {
                if best.count == request.count, let last = best.last {
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
                for neighbour in try distances(of: ids, to: request.point, layer: request.layer, nodeSize: nodeSize) {
                    Self.keep(neighbour, in: &best, count: request.count)
                }
            }
            found[label] = best
        }
        return found
    }

    private func layerNodeSize(model: String, layer: Int) throws -> Int {
        let table = try run(sql: "SELECT l.node_size FROM layers l JOIN models m ON m.id = l.model_id WHERE m.fingerprint = ? AND l.layer = ?",
                            arguments: [.text(model), .integer(Int64(layer))])
        return table.rows.first?.first?.number.map(Int.init) ?? 1
    }

    /// The traces' distances to `point`, computed by `ipg_point_distance` (each value block of
    /// the layer decoded once; `point` handed over bit for bit as float64): the same sum of
    /// squared differences in node order as a computation here, without writing and parsing
    /// every trace's node values as text.
    private func distances(of ids: [Int64], to point: [Double], layer: Int, nodeSize: Int) throws -> [TraceDistance] {
        var bytes = Data(capacity: point.count * 8)
        for value in point { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
        let table = try run(sql: """
            SELECT t.id, ipg_point_distance(t.value_block, t.value_row, ?, ?, ?) FROM traces t
            WHERE t.id IN (\(ids.map { _ in "?" }.joined(separator: ", ")))
            """, arguments: [.integer(Int64(layer)), .integer(Int64(nodeSize)), .blob(bytes)] + ids.map { .integer($0) })
        return table.rows.compactMap { row in
            guard case .integer(let id) = row[0], let distance = row[1].number else { return nil }
            return TraceDistance(id: id, distance: distance)
        }
    }

    /// Inserts `neighbour` into `list` (sorted by distance, then id) when it is among the `count` nearest.
    private static func keep(_ neighbour: TraceDistance, in list: inout [TraceDistance], count: Int) {
        if list.count == count, let last = list.last, !TraceDistance.precedes(neighbour, last) { return }
        list.insert(neighbour, at: list.firstIndex { TraceDistance.precedes(neighbour, $0) } ?? list.count)
        if list.count > count { list.removeLast() }
    }
}
