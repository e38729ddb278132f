/// The header frame's payload (layout in `TraceStreamFormat`).
extension StreamHeader {
    func encoded() throws -> [UInt8] {
        var writer = PayloadWriter()
        try writer.writeString(topology.fingerprint)
        try writer.writeString(topology.name)
        writer.writeUInt8(valueEncoding.rawValue)
        try writer.writeKeyValues(attributes)
        try writer.writeUInt32(topology.layers.count)
        for layer in topology.layers {
            try writer.writeUInt32(layer.index)
            try writer.writeString(layer.name)
            try writer.writeString(layer.kind.rawValue)
            try writer.writeString(layer.activation.rawValue)
            writer.writeFloat32(layer.threshold)
            try writer.writeUInt32(layer.nodeCount)
            try writer.writeIntList(layer.nodeShape)
            writer.writeInt64(layer.source ?? -1)
            try layer.edgeRule.encode(into: &writer)
        }
        let merges = topology.layers.flatMap { layer in layer.mergedSources.map { (layer.index, $0) } }
        try writer.writeUInt32(merges.count)
        for (target, source) in merges {
            try writer.writeUInt32(target)
            try writer.writeUInt32(source.layer)
            try source.edgeRule.encode(into: &writer)
        }
        if !isFullResolution {  // absent: every layer full (so full streams keep their bytes)
            try writer.writeUInt32(resolutions.count)
            for resolution in resolutions { writer.writeUInt8(resolution.code) }
        }
        return writer.bytes
    }

    /// Decodes a header payload of stream format `version` (1 ends after the layer table, 2 adds
    /// the merged-sources section and, optionally, the resolution section); nil accepts either
    /// (a layer table kept by a store).
    init(decoding payload: [UInt8], version: UInt16?) throws {
        var reader = PayloadReader(payload)
        let fingerprint = try reader.readString()
        let name = try reader.readString()
        let encodingCode = try reader.readUInt8()
        guard let encoding = ValueEncoding(rawValue: encodingCode) else {
            throw PayloadError("unknown value encoding \(encodingCode)")
        }
        let attributes = try reader.readKeyValues()
        let layerCount = try reader.readCount(of: "layers", minimumItemLength: Self.minimumLayerLength)
        var layers: [Layer] = []
        for position in 0..<layerCount {
            let index = try reader.readCount()
            guard index == position else { throw PayloadError("layer \(position) is numbered \(index)") }
            let layerName = try reader.readString()
            let kindName = try reader.readString()
            guard let kind = LayerKind(rawValue: kindName) else { throw PayloadError("layer \(index): unknown kind '\(kindName)'") }
            let activationName = try reader.readString()
            guard let activation = ActivationFunction(rawValue: activationName) else {
                throw PayloadError("layer \(index): unknown activation '\(activationName)'")
            }
            let threshold = try reader.readFloat32()
            let nodeCount = try reader.readCount()
            let nodeShape = try reader.readIntList()
            let source = try reader.readInt64()
            guard source >= -1, source < index else { throw PayloadError("layer \(index): source layer \(source) is not an earlier layer") }
            let rule = try EdgeRule(decoding: &reader)
            layers.append(Layer(
                index: index, name: layerName, kind: kind, activation: activation, threshold: threshold,
                nodeCount: nodeCount, nodeShape: nodeShape, source: source < 0 ? nil : source, edgeRule: rule))
        }
        if version.map({ $0 >= 2 }) ?? !reader.isAtEnd {
            try Self.readMergedSources(from: &reader, into: &layers)
        }
        var resolutions = [LayerResolution](repeating: .full, count: layers.count)
        if version != 1 && !reader.isAtEnd {
            resolutions = try Self.readResolutions(from: &reader, layerCount: layers.count)
        }
        guard reader.isAtEnd else { throw PayloadError("\(payload.count - reader.offset) unexpected bytes after the layer table") }
        let topology = ModelTopology(fingerprint: fingerprint, name: name, layers: layers)
        if let problem = topology.firstInconsistency(maximumValueCount: TraceStreamFormat.maximumPayloadLength / encoding.byteWidth) {
            throw PayloadError(problem)
        }
        if let problem = topology.resolutionProblem(resolutions) { throw PayloadError(problem) }
        self.init(topology: topology, valueEncoding: encoding, attributes: attributes, resolutions: resolutions)
    }

    /// The resolution section: `u32` count (the layer count), then a `u8` per layer.
    private static func readResolutions(from reader: inout PayloadReader, layerCount: Int) throws -> [LayerResolution] {
        let count = try reader.readCount(of: "layer resolutions", minimumItemLength: 1)
        guard count == layerCount else { throw PayloadError("\(count) layer resolutions for \(layerCount) layers") }
        return try (0..<count).map { layer in
            let code = try reader.readUInt8()
            guard let resolution = LayerResolution(code: code) else {
                throw PayloadError("layer \(layer): unknown resolution \(code)")
            }
            return resolution
        }
    }

    /// The merged-sources section: for each merge layer's further sources, in order, target
    /// layer, source layer, edge rule.
    private static func readMergedSources(from reader: inout PayloadReader, into layers: inout [Layer]) throws {
        let count = try reader.readCount(of: "merged sources", minimumItemLength: 4 + 4 + 1)
        for _ in 0..<count {
            let target = try reader.readCount(), source = try reader.readCount()
            guard target < layers.count, layers[target].source != nil, source < target else {
                throw PayloadError("merged source \(source) → \(target): not an earlier layer feeding a layer with a first source")
            }
            layers[target].mergedSources.append(LayerSource(layer: source, edgeRule: try EdgeRule(decoding: &reader)))
        }
    }

    /// Bytes of a layer table entry with empty strings and lists and no edge rule data: index,
    /// name length, kind length, activation length, threshold, node count, node shape count,
    /// source layer, edge rule tag.
    private static let minimumLayerLength = 4 + 4 + 4 + 4 + 4 + 4 + 4 + 8 + 1
}

extension EdgeRule {
    fileprivate func encode(into writer: inout PayloadWriter) throws {
        switch self {
        case .none:
            writer.writeUInt8(0)
        case .dense(let weights):
            writer.writeUInt8(1)
            try writer.writeFloatList(weights)
        case .conv(let geometry, let weights):
            writer.writeUInt8(2)
            try writer.writeUInt32(geometry.inputChannels)
            try writer.writeUInt32(geometry.outputChannels)
            try writer.writeUInt32(geometry.groups)
            for list in [geometry.kernelShape, geometry.strides, geometry.dilations, geometry.padsBegin,
                         geometry.padsEnd, geometry.inputSpatial, geometry.outputSpatial] {
                try writer.writeIntList(list)
            }
            try writer.writeFloatList(weights)
        case .channelScale(let scales):
            writer.writeUInt8(3)
            try writer.writeFloatList(scales)
        case .channelOutput:
            writer.writeUInt8(4)
        case .reshape:
            writer.writeUInt8(5)
        case .explicit:
            writer.writeUInt8(6)
        case .concat(let offset):
            writer.writeUInt8(7)
            try writer.writeUInt32(offset)
        }
    }

    fileprivate init(decoding reader: inout PayloadReader) throws {
        let tag = try reader.readUInt8()
        switch tag {
        case 0: self = .none
        case 1: self = .dense(weights: try reader.readFloatList())
        case 2:
            let inputChannels = try reader.readCount(), outputChannels = try reader.readCount(), groups = try reader.readCount()
            let lists = try (0..<7).map { _ in try reader.readIntList() }
            let geometry = ConvolutionGeometry(
                inputChannels: inputChannels, outputChannels: outputChannels, groups: groups,
                kernelShape: lists[0], strides: lists[1], dilations: lists[2], padsBegin: lists[3],
                padsEnd: lists[4], inputSpatial: lists[5], outputSpatial: lists[6])
            self = .conv(geometry, weights: try reader.readFloatList())
        case 3: self = .channelScale(scales: try reader.readFloatList())
        case 4: self = .channelOutput
        case 5: self = .reshape
        case 6: self = .explicit
        case 7: self = .concat(channelOffset: try reader.readCount())
        default: throw PayloadError("unknown edge rule \(tag)")
        }
    }
}
