import Foundation
import IPG

/// A trace's explicit edges as a blob: per edge source layer, source index, target layer,
/// target index (`u32` little-endian each) and weight (`f32`).
enum ExplicitEdgesCodec {
    static func encode(_ edges: [Int: [Edge]]) -> Data? {
        let all = edges.keys.sorted().flatMap { edges[$0]! }
        guard !all.isEmpty else { return nil }
        var words: [UInt32] = []
        words.reserveCapacity(all.count * 5)
        for edge in all {
            words += [edge.source.layer, edge.source.index, edge.target.layer, edge.target.index].map { UInt32($0).littleEndian }
            words.append(edge.weight.bitPattern.littleEndian)
        }
        return words.withUnsafeBytes { Data($0) }
    }

    static func decode(_ data: Data?) -> [Int: [Edge]] {
        guard let data, data.count % 20 == 0 else { return [:] }
        let words = data.withUnsafeBytes { raw in (0..<(data.count / 4)).map { UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self)) } }
        var edges: [Int: [Edge]] = [:]
        for start in stride(from: 0, to: words.count, by: 5) {
            let edge = Edge(
                source: NodeID(layer: Int(words[start]), index: Int(words[start + 1])),
                target: NodeID(layer: Int(words[start + 2]), index: Int(words[start + 3])),
                weight: Float(bitPattern: words[start + 4]))
            edges[edge.target.layer, default: []].append(edge)
        }
        return edges
    }
}
