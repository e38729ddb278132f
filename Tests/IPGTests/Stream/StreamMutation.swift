import IPG

/// Random damage to a valid stream, drawn from a seeded generator so every case can be replayed
/// from its seed. `raw` damage leaves checksums as they are; `sealed` damage reseals the frames
/// it changes (recompressed, valid CRC), so it reaches the decoders.
struct StreamMutation {
    enum Kind: String, CaseIterable, Sendable {
        /// Flips 1–8 random bits anywhere.
        case bitFlips
        /// Cuts the stream short.
        case truncation
        /// Changes one frame's decoded payload (bits, u32 fields, cuts, insertions) and reseals it.
        case sealedPayload
        /// Sets one frame header field to an extreme value and reseals the frame.
        case sealedHeaderField
        /// Changes one size, source or edge rule of the layer table and reseals the header frame.
        case sealedLayerTable
        /// Drops, repeats or swaps whole valid frames.
        case frameSurgery
    }

    /// The damaged stream.
    var bytes: [UInt8]
    /// What was done, for failure messages.
    var description: String
    /// The first byte that differs from the original stream (raw damage; nil when flips cancel).
    var firstChangedByte: Int?
    /// The first frame that is not the original's (sealed damage and surgery).
    var firstChangedFrame: Int?

    /// Values that make counts and lengths lie in interesting ways.
    private static func extremeValue(_ generator: inout SplitMix, near length: Int) -> UInt32 {
        let choices: [UInt32] = [0, 1, 2, 3, 0xFF, 0xFFFF, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFE, 0xFFFF_FFFF,
                                 UInt32(length), UInt32(length + 1), UInt32(max(0, length - 1)), UInt32(truncatingIfNeeded: generator.next())]
        return choices[generator.below(choices.count)]
    }

    init(_ kind: Kind, of original: [UInt8], header: StreamHeader, seed: UInt64) throws {
        var generator = SplitMix(seed: seed)
        var frames = StreamFrames(original)
        switch kind {
        case .bitFlips:
            var flipped = original
            let positions = (0..<(1 + generator.below(8))).map { _ in (byte: generator.below(original.count), bit: generator.below(8)) }
            for position in positions { flipped[position.byte] ^= 1 << position.bit }
            bytes = flipped
            firstChangedByte = original.indices.first { original[$0] != flipped[$0] }
            description = "bit flips at \(positions.map { "\($0.byte).\($0.bit)" })"
        case .truncation:
            let length = generator.below(original.count)
            bytes = Array(original.prefix(length))
            firstChangedByte = length
            description = "cut at byte \(length) of \(original.count)"
        case .sealedPayload:
            let frame = generator.below(frames.frames.count)
            var payload = frames.frames[frame].payload
            var steps: [String] = []
            for _ in 0..<(1 + generator.below(3)) {
                steps.append(Self.mutate(&payload, &generator))
            }
            frames.frames[frame].payload = payload
            bytes = frames.bytes
            firstChangedFrame = frame
            description = "frame \(frame) payload: \(steps.joined(separator: ", "))"
        case .sealedHeaderField:
            let frame = generator.below(frames.frames.count)
            let field = generator.below(5)
            let value = Self.extremeValue(&generator, near: frames.frames[frame].stored.count)
            switch field {
            case 0: frames.frames[frame].kind = UInt8(truncatingIfNeeded: value)
            case 1: frames.frames[frame].valueEncoding = UInt8(truncatingIfNeeded: value)
            case 2: frames.frames[frame].itemCount = value
            case 3: frames.frames[frame].storedLength = value
            default: frames.frames[frame].decodedLength = value
            }
            bytes = frames.bytes
            firstChangedFrame = frame
            description = "frame \(frame) header field \(["kind", "value encoding", "item count", "stored length", "decoded length"][field]) = \(value)"
        case .sealedLayerTable:
            var changed = header
            let layer = generator.below(header.topology.layers.count)
            let change = Self.mutate(&changed.topology.layers[layer], &generator)
            frames.frames[0].payload = try changed.serialized()
            bytes = frames.bytes
            firstChangedFrame = 0
            description = "layer \(layer): \(change)"
        case .frameSurgery:
            let first = generator.below(frames.frames.count), second = generator.below(frames.frames.count)
            let operation = generator.below(3)
            switch operation {
            case 0: frames.frames.remove(at: first)
            case 1: frames.frames.insert(frames.frames[first], at: second)
            default: frames.frames.swapAt(first, second)
            }
            bytes = frames.bytes
            firstChangedFrame = operation == 0 ? first : min(first, second)
            description = ["drop frame \(first)", "repeat frame \(first) at \(second)", "swap frames \(first) and \(second)"][operation]
        }
    }

    /// One change to a layer's sizes, source or edge rule; returns what it did.
    private static func mutate(_ layer: inout Layer, _ generator: inout SplitMix) -> String {
        let small = generator.below(20)
        let large = Int(extremeValue(&generator, near: 20))
        let value = generator.below(2) == 0 ? small : large
        switch (generator.below(6), layer.edgeRule) {
        case (0, _):
            layer.nodeCount = value
            return "node count \(value)"
        case (1, _):
            if layer.nodeShape.isEmpty || generator.below(3) == 0 { layer.nodeShape.append(value) } else { layer.nodeShape[generator.below(layer.nodeShape.count)] = value }
            return "node shape \(layer.nodeShape)"
        case (2, _):
            layer.source = small < layer.index ? small : nil
            return "source \(String(describing: layer.source))"
        case (_, .dense(let weights)):
            layer.edgeRule = .dense(weights: Array(weights.prefix(small)))
            return "\(min(small, weights.count)) dense weights"
        case (_, .channelScale(let scales)):
            layer.edgeRule = .channelScale(scales: Array(scales.prefix(small)))
            return "\(min(small, scales.count)) channel scales"
        case (_, .conv(var geometry, let weights)):
            let lists = [\ConvolutionGeometry.kernelShape, \.strides, \.dilations, \.padsBegin, \.padsEnd, \.inputSpatial, \.outputSpatial]
            switch generator.below(5) {
            case 0: geometry.groups = value
            case 1: geometry.inputChannels = value
            case 2: geometry.outputChannels = value
            case 3: geometry[keyPath: lists[generator.below(lists.count)]].append(value)
            default: geometry[keyPath: lists[generator.below(lists.count)]][0] = value
            }
            layer.edgeRule = .conv(geometry, weights: weights)
            return "convolution \(geometry)"
        case (3, _):
            layer.edgeRule = [.none, .channelOutput, .reshape, .explicit, .dense(weights: [1, 2])][generator.below(5)]
            return "edge rule \(layer.edgeRule)"
        default:
            layer.nodeShape = []
            return "node shape []"
        }
    }

    /// One change to a decoded payload; returns what it did.
    private static func mutate(_ payload: inout [UInt8], _ generator: inout SplitMix) -> String {
        let position = generator.below(payload.count + 1)
        switch generator.below(5) {
        case 0 where !payload.isEmpty:
            let byte = generator.below(payload.count), bit = generator.below(8)
            payload[byte] ^= 1 << bit
            return "flip bit \(bit) of byte \(byte)"
        case 1 where payload.count >= 4:
            let offset = generator.below(payload.count - 3)
            let value = extremeValue(&generator, near: payload.count - offset)
            payload.replaceSubrange(offset..<(offset + 4), with: littleEndian(value))
            return "u32 \(value) at \(offset)"
        case 2:
            payload.removeSubrange(position...)
            return "cut at \(position)"
        case 3:
            let inserted = (0..<(1 + generator.below(8))).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            payload.insert(contentsOf: inserted, at: position)
            return "insert \(inserted.count) bytes at \(position)"
        default:
            let end = position + generator.below(payload.count - position + 1)
            payload.removeSubrange(position..<end)
            return "delete bytes \(position)..<\(end)"
        }
    }
}

extension SplitMix {
    /// A number in `0..<bound` (0 when `bound` is 0).
    mutating func below(_ bound: Int) -> Int {
        bound <= 0 ? 0 : Int(next() % UInt64(bound))
    }
}
