import Foundation
import GRDB
import IPG

/// Traces' values from their value block, every layer, as a stream reader gives them: a full
/// map, a derived layer's copy of its source, or (summary resolution) no values and a summary.
/// The last block read is kept decoded, its layers laid out trace by trace, so reading the
/// traces of a block in storage order decodes and rearranges it once and then copies each
/// trace's values out of contiguous rows.
struct TraceBlockReader {
    /// One layer of the decoded block.
    private struct DecodedLayer {
        var kept: ValueBlocks.KeptLayer
        /// Trace-major values (`rowCount` rows of `rowLength`); empty for a derived layer.
        var values: [Float]
        var rowCount: Int
        var rowLength: Int
    }

    private var block: Int64?
    private var layers: [DecodedLayer] = []
    private let codec = LayerBlockCodec()
    private let path: String

    init(path: String) {
        self.path = path
    }

    /// The values of the trace at `row` of `block`, per layer, and its summarised layers.
    mutating func layerValues(block: Int64, row: Int, in db: Database) throws -> (values: [[Float]], summaries: [Int: LayerSummary]) {
        if block != self.block { try load(block, in: db) }
        var values: [[Float]] = [], summaries: [Int: LayerSummary] = [:]
        values.reserveCapacity(layers.count)
        for (index, layer) in layers.enumerated() {
            if let source = layer.kept.source {
                guard source < index, layers[source].kept.resolution != .summary else {
                    throw damaged("value block \(block), layer \(index): derived from layer \(source), which it does not keep as a map")
                }
                values.append(values[source])
                continue
            }
            guard (0..<layer.rowCount).contains(row) else { throw damaged("value block \(block) has no row \(row)") }
            let stored = Array(layer.values[(row * layer.rowLength)..<((row + 1) * layer.rowLength)])
            if layer.kept.resolution == .summary {
                guard stored.count % LayerSummary.valuesPerNode == 0 else {
                    throw damaged("value block \(block), layer \(index): a summary row of \(stored.count) values")
                }
                summaries[index] = LayerSummary(stored: stored, nodeCount: stored.count / LayerSummary.valuesPerNode)
                values.append([])
            } else {
                values.append(stored)
            }
        }
        return (values, summaries)
    }

    /// Reads and decodes every layer of `block`, trace-major.
    private mutating func load(_ block: Int64, in db: Database) throws {
        self.block = nil
        let statement = try db.cachedStatement(sql: "SELECT layer, data, resolution, source_layer FROM value_blocks WHERE block = ? ORDER BY layer")
        let rows = try Row.fetchAll(statement, arguments: [block])
        guard rows.enumerated().allSatisfy({ $0.offset == $0.element[0] as Int }) else { throw damaged("value block \(block) lacks a layer") }
        do {
            layers = try rows.map { row in
                guard let kept = ValueBlocks.KeptLayer(code: row[2], source: row[3]) else {
                    throw damaged("value block \(block), layer \(row[0] as Int): unknown resolution")
                }
                guard kept.resolution != .derived else { return DecodedLayer(kept: kept, values: [], rowCount: 0, rowLength: 0) }
                let decoded = try codec.decode([UInt8](row[1] as Data))
                let values = decoded.layout.isTraceMajor
                    ? decoded.values
                    : Self.transposed(decoded.values, rows: decoded.rowLength, columns: decoded.rowCount)
                return DecodedLayer(kept: kept, values: values, rowCount: decoded.rowCount, rowLength: decoded.rowLength)
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw damaged("value block \(block): \(error)")
        }
        self.block = block
    }

    /// `matrix` (`rows` × `columns`, row by row) transposed, in tiles that stay in cache.
    static func transposed(_ matrix: [Float], rows: Int, columns: Int) -> [Float] {
        precondition(matrix.count == rows * columns)
        let tile = 32
        return [Float](unsafeUninitializedCapacity: matrix.count) { result, initialized in
            matrix.withUnsafeBufferPointer { source in
                for rowStart in stride(from: 0, to: rows, by: tile) {
                    let rowEnd = min(rowStart + tile, rows)
                    for columnStart in stride(from: 0, to: columns, by: tile) {
                        let columnEnd = min(columnStart + tile, columns)
                        for row in rowStart..<rowEnd {
                            for column in columnStart..<columnEnd { result[column * rows + row] = source[row * columns + column] }
                        }
                    }
                }
            }
            initialized = matrix.count
        }
    }

    private func damaged(_ detail: String) -> StoreError {
        StoreError(path: path, reason: .damaged(detail: detail))
    }
}
