import Foundation
import IPG

/// The weights a layer's edges need beyond its source's node values, as the `layer_kernels`
/// table keeps them once per model (migration 0007): a convolution's kernel with its geometry,
/// or a batch-norm (or activation-only) layer's per-channel scale. Dense weights live in
/// `dense_weight_rows` (migration 0014); pooling and reshape layers need none.
struct LayerKernel: Equatable {
    /// A convolution's geometry; nil for channel scales.
    var geometry: ConvolutionGeometry?
    /// Conv: `W[output channel][input channel of its group][kernel offset, row-major]`;
    /// channel scale: one per channel.
    var weights: [Float]

    /// The kernel of `rule`, nil for rules that need none.
    init?(rule: EdgeRule) {
        switch rule {
        case .conv(let geometry, let weights): self.geometry = geometry; self.weights = weights
        case .channelScale(let scales): self.geometry = nil; self.weights = scales
        case .none, .dense, .channelOutput, .reshape, .concat, .explicit: return nil
        }
    }

    /// A kernel read back from a `layer_kernels` row.
    init(geometryJSON: String?, weightsBlob: Data) throws {
        geometry = try geometryJSON.map { try JSONDecoder().decode(StoredGeometry.self, from: Data($0.utf8)).geometry }
        guard weightsBlob.count % MemoryLayout<Float>.size == 0 else {
            throw KernelError(message: "a kernel of \(weightsBlob.count) bytes is not float32 values")
        }
        // Little-endian float32, copied out (a blob's bytes need not be aligned).
        weights = [Float](unsafeUninitializedCapacity: weightsBlob.count / MemoryLayout<Float>.size) { buffer, count in
            count = weightsBlob.copyBytes(to: buffer) / MemoryLayout<Float>.size
        }.map { Float(bitPattern: UInt32(littleEndian: $0.bitPattern)) }
        if let geometry {
            let axes = geometry.kernelShape.count
            let arrays = [geometry.strides, geometry.dilations, geometry.padsBegin, geometry.padsEnd, geometry.inputSpatial, geometry.outputSpatial]
            guard (1...2).contains(axes), arrays.allSatisfy({ $0.count == axes }), geometry.groups >= 1,
                  geometry.inputChannels % geometry.groups == 0, geometry.outputChannels % geometry.groups == 0,
                  (geometry.kernelShape + geometry.strides + geometry.dilations + geometry.inputSpatial + geometry.outputSpatial).allSatisfy({ $0 >= 1 })
            else { throw KernelError(message: "a convolution geometry that does not describe a 1-D or 2-D convolution: \(geometryJSON ?? "")") }
        }
        if let geometry, geometry.outputChannels * geometry.weightsPerOutputChannel != weights.count {
            throw KernelError(message: "a kernel of \(weights.count) weights does not fit its geometry (\(geometry.outputChannels) × \(geometry.weightsPerOutputChannel))")
        }
    }

    /// The `geometry` column: a JSON object, readable with SQLite's `json_extract`.
    var geometryJSON: String? {
        geometry.map { geometry in
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            return String(decoding: try! encoder.encode(StoredGeometry(geometry)), as: UTF8.self)
        }
    }

    /// The `weights` column: little-endian float32.
    var weightsBlob: Data {
        var data = Data(capacity: weights.count * MemoryLayout<Float>.size)
        for weight in weights { withUnsafeBytes(of: weight.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        return data
    }

    /// The edge rule this kernel belongs to, for a layer whose rule is `kind`; nil when the
    /// kernel does not fit the rule.
    func rule(_ kind: EdgeRuleKind) -> EdgeRule? {
        switch (kind, geometry) {
        case (.conv, let geometry?): return .conv(geometry, weights: weights)
        case (.channelScale, nil): return .channelScale(scales: weights)
        default: return nil
        }
    }

    struct KernelError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}

/// `ConvolutionGeometry` as the `geometry` column spells it (snake_case keys, one number per
/// spatial axis in the arrays).
private struct StoredGeometry: Codable {
    var input_channels, output_channels, groups: Int
    var kernel_shape, strides, dilations, pads_begin, pads_end, input_spatial, output_spatial: [Int]

    init(_ g: ConvolutionGeometry) {
        input_channels = g.inputChannels; output_channels = g.outputChannels; groups = g.groups
        kernel_shape = g.kernelShape; strides = g.strides; dilations = g.dilations
        pads_begin = g.padsBegin; pads_end = g.padsEnd; input_spatial = g.inputSpatial; output_spatial = g.outputSpatial
    }

    var geometry: ConvolutionGeometry {
        ConvolutionGeometry(
            inputChannels: input_channels, outputChannels: output_channels, groups: groups, kernelShape: kernel_shape,
            strides: strides, dilations: dilations, padsBegin: pads_begin, padsEnd: pads_end,
            inputSpatial: input_spatial, outputSpatial: output_spatial)
    }
}
