/// The payload of a traces frame (layout in `TraceStreamFormat`): metadata records, then one
/// value block per stored layer (full maps or summaries; version 1: byte-shuffled,
/// `ShuffledValueBlock`; version 2 and later: laid out as the store's blocks, `FrameValueBlock`),
/// then explicit edges; version 4 also has a raw section, the byte planes kept out of zstd.
enum TraceFrame {
    /// Values stored per trace under `resolutions`.
    static func storedValueCount(_ topology: ModelTopology, _ resolutions: [LayerResolution]) -> Int {
        topology.layers.reduce(0) { $0 + resolutions[$1.index].storedValueCount(of: $1) }
    }

    /// Encodes `traces` as a frame of stream format `version`: the payload zstd compresses and
    /// (version 4) the raw section.
    static func encode(_ traces: [Trace], header: StreamHeader, version: UInt16 = TraceStreamFormat.version) throws -> (payload: [UInt8], raw: [UInt8]) {
        try encode(FrameRows(traces, header: header), header: header, version: version)
    }

    /// Encodes a frame's traces (checked against the layer table as they were gathered).
    static func encode(_ frame: FrameRows, header: StreamHeader, version: UInt16 = TraceStreamFormat.version) throws -> (payload: [UInt8], raw: [UInt8]) {
        let topology = header.topology, encoding = header.valueEncoding, count = frame.count
        let valueBytes = count * storedValueCount(topology, header.resolutions) * encoding.byteWidth
        var writer = PayloadWriter(reservingCapacity: valueBytes + count * 128)
        var raw = PayloadWriter(reservingCapacity: version >= 4 ? valueBytes / 2 : 0)
        for metadata in frame.metadata {
            try encodeMetadata(metadata, into: &writer)
        }
        // Version 3: per layer read back at full resolution, its values as a reader gets them
        // (a derived block is computed from them).
        var readBack: [Int: ArraySlice<Float>] = [:]
        for layer in topology.layers {
            let resolution = header.resolutions[layer.index]
            if resolution == .derived {
                if version >= 3, let source = readBack[layer.source!] { readBack[layer.index] = source }
                continue
            }
            let values = frame.layerValues[layer.index], rowLength = resolution.storedValueCount(of: layer)
            if version >= 3 && resolution == .full {
                let stored = encoding == .float32 ? values : values.map { Float(Float16($0)) }[...]
                readBack[layer.index] = stored
                if let derivation = DerivedValueBlock.find(
                    for: layer, in: topology, values: stored, count: count, storedValues: { readBack[$0] })
                {
                    try DerivedValueBlock.write(derivation, into: &writer)
                    continue
                }
            }
            if version == 1 {
                writer.writeBytes(ShuffledValueBlock.encode(values, encoding: encoding))
            } else {
                try FrameValueBlock.encode(
                    values, rowCount: count, rowLength: rowLength, encoding: encoding, version: version,
                    into: &writer, raw: &raw)
            }
        }
        for edges in frame.explicitEdges {
            try writer.writeUInt32(edges.count)
            for edge in edges {
                for number in [edge.source.layer, edge.source.index, edge.target.layer, edge.target.index] {
                    try writer.writeUInt32(number)
                }
                writer.writeFloat32(edge.weight)
            }
        }
        return (writer.bytes, raw.bytes)
    }

    /// Decodes `count` traces (the frame header's item count, checked against the payload's
    /// length before anything is sized by it) of a frame of stream format `version`. A version-2
    /// frame's values may take as little as a bit each, so their decoded size is also held to
    /// `TraceStreamFormat.maximumPayloadLength`. A derived layer comes back as a copy of its
    /// source's values; a summarised one as an empty value list and a summary. `raw`: a
    /// version-4 frame's raw section (every byte of it must be taken by the value blocks).
    static func decode(_ payload: [UInt8], raw rawSection: [UInt8] = [], count: Int, header: StreamHeader, encoding: ValueEncoding, version: UInt16) throws -> [Trace] {
        let topology = header.topology, resolutions = header.resolutions
        var reader = PayloadReader(payload)
        var raw: PayloadReader? = version >= 4 ? PayloadReader(rawSection) : nil
        guard raw != nil || rawSection.isEmpty else { throw PayloadError("a raw section in a version-\(version) frame") }
        let valuesPerTrace = storedValueCount(topology, resolutions)
        // A version-2 value takes at least one bitmap bit; a version-3 or 4 layer may take a few
        // bytes for all traces (a derived block), so there only the metadata bounds the count.
        let minimumValueBytes = version == 1 ? valuesPerTrace * encoding.byteWidth : version == 2 ? valuesPerTrace / 8 : 0
        let minimumTraceLength = minimumMetadataLength + minimumValueBytes + 4  // 4: its explicit edge count
        try reader.requireRoom(for: count, "traces", minimumItemLength: minimumTraceLength)
        let (decodedValueBytes, overflow) = count.multipliedReportingOverflow(by: valuesPerTrace * encoding.byteWidth)
        guard !overflow, decodedValueBytes <= TraceStreamFormat.maximumPayloadLength else {
            throw PayloadError("\(count) traces of \(valuesPerTrace) values exceed \(TraceStreamFormat.maximumPayloadLength) decoded bytes")
        }
        let metadata = try (0..<count).map { _ in try decodeMetadata(&reader) }
        var layerRows: [[[Float]]] = []
        var summaryRows: [Int: [LayerSummary]] = [:]
        for layer in topology.layers {
            let resolution = resolutions[layer.index]
            if resolution == .derived {
                layerRows.append(layerRows[layer.source!])  // a copy of its source, in the same order
                continue
            }
            let length = resolution.storedValueCount(of: layer)
            let rows: [[Float]]
            if version == 1 {
                let block = try reader.readBytes(count * length * encoding.byteWidth)
                rows = ShuffledValueBlock.decode(block, rowCount: count, rowLength: length, encoding: encoding)
            } else {
                do {
                    rows = try FrameValueBlock.decode(
                        rowCount: count, rowLength: length, encoding: encoding, from: &reader, raw: &raw,
                        derived: version < 3 || resolution != .full ? nil : { code, reader in
                            try DerivedValueBlock.read(
                                code: code, layer: layer, topology: topology, layerRows: layerRows,
                                readable: { resolutions[$0] != .summary }, from: &reader)
                        })
                } catch let error as PayloadError {
                    throw PayloadError("layer \(layer.index): \(error.message)")
                }
            }
            if resolution == .summary {
                summaryRows[layer.index] = rows.map { LayerSummary(stored: $0, nodeCount: layer.nodeCount) }
                layerRows.append(Array(repeating: [], count: count))
            } else {
                layerRows.append(rows)
            }
        }
        var traces: [Trace] = []
        traces.reserveCapacity(count)
        for (position, record) in metadata.enumerated() {
            var explicitEdges: [Int: [Edge]] = [:]
            for _ in 0..<(try reader.readCount(of: "explicit edges", minimumItemLength: 20)) {
                let sourceLayer = try reader.readCount(), sourceIndex = try reader.readCount()
                let targetLayer = try reader.readCount(), targetIndex = try reader.readCount()
                let weight = try reader.readFloat32()
                guard targetLayer < topology.layers.count, sourceLayer < targetLayer,
                      sourceIndex < topology.layers[sourceLayer].nodeCount, targetIndex < topology.layers[targetLayer].nodeCount
                else {
                    throw PayloadError("input \(record.inputIndex): explicit edge \(sourceLayer):\(sourceIndex)→\(targetLayer):\(targetIndex) names no node pair of the layer table")
                }
                explicitEdges[targetLayer, default: []].append(Edge(
                    source: NodeID(layer: sourceLayer, index: sourceIndex),
                    target: NodeID(layer: targetLayer, index: targetIndex), weight: weight))
            }
            traces.append(Trace(
                metadata: record, layerValues: layerRows.map { $0[position] }, explicitEdges: explicitEdges,
                summaries: summaryRows.mapValues { $0[position] }))
        }
        guard reader.isAtEnd else { throw PayloadError("\(payload.count - reader.offset) unexpected bytes after the traces") }
        if let raw, !raw.isAtEnd { throw PayloadError("\(raw.remainingCount) raw-section bytes no value block takes") }
        return traces
    }

    /// Bytes of a metadata record with empty strings, no parent and no key/values: input index,
    /// input hash length, true and predicted labels, confidence, tag length, parent flag,
    /// key/value count.
    private static let minimumMetadataLength = 8 + 4 + 8 + 8 + 4 + 4 + 1 + 4

    private static func encodeMetadata(_ metadata: TraceMetadata, into writer: inout PayloadWriter) throws {
        writer.writeInt64(metadata.inputIndex)
        try writer.writeString(metadata.inputHash)
        writer.writeInt64(metadata.trueLabel ?? -1)
        writer.writeInt64(metadata.predictedLabel)
        writer.writeFloat32(metadata.confidence)
        try writer.writeString(metadata.tag)
        if let parent = metadata.parent {
            writer.writeUInt8(1)
            try writer.writeString(parent.tag)
            writer.writeInt64(parent.inputIndex)
        } else {
            writer.writeUInt8(0)
        }
        try writer.writeKeyValues(metadata.attributes)
    }

    private static func decodeMetadata(_ reader: inout PayloadReader) throws -> TraceMetadata {
        let inputIndex = try reader.readInt64()
        let inputHash = try reader.readString()
        let trueLabel = try reader.readInt64()
        let predictedLabel = try reader.readInt64()
        let confidence = try reader.readFloat32()
        let tag = try reader.readString()
        let hasParent = try reader.readUInt8()
        var parent: TraceReference?
        switch hasParent {
        case 0: break
        case 1: parent = TraceReference(tag: try reader.readString(), inputIndex: try reader.readInt64())
        default: throw PayloadError("input \(inputIndex): parent flag \(hasParent) is neither 0 nor 1")
        }
        return TraceMetadata(
            inputIndex: inputIndex, inputHash: inputHash, trueLabel: trueLabel < 0 ? nil : trueLabel,
            predictedLabel: predictedLabel, confidence: confidence, tag: tag, parent: parent,
            attributes: try reader.readKeyValues())
    }
}
