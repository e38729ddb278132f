/// A version-3 traces frame's layer block that holds no values: every trace's values of the
/// layer follow, bit for bit, from an earlier layer's in the same frame — a copy (Flatten,
/// Reshape) or a max pool of a channel map. The writer chooses it only after computing the
/// derivation from the values as a reader will see them and finding every trace equal to what
/// was captured, so the block is as lossless as the laid-out ones it replaces.
enum DerivedValueBlock {
    /// Layout code of a copy: `u32` source layer.
    static let copyCode: UInt8 = 0x80
    /// Layout code of a max pool: `u32` source layer, then `u32` kernel height, kernel width,
    /// stride height, stride width.
    static let maxPoolCode: UInt8 = 0x81

    enum Derivation: Equatable {
        case copy(source: Int)
        case maxPool(source: Int, window: MaxPooling.Window)
    }

    /// The derivation the writer uses for `layer` given `count` traces' values of it (`values`,
    /// one trace after another) and of every layer (`storedValues(j)`: the values of layer `j`
    /// as a reader gets them, or nil when layer `j` is not read back at full resolution), or nil
    /// when the layer's values must be stored.
    static func find(
        for layer: Layer, in topology: ModelTopology, values: ArraySlice<Float>, count: Int,
        storedValues: (Int) -> ArraySlice<Float>?
    ) -> Derivation? {
        guard let source = layer.source, let sourceValues = storedValues(source) else { return nil }
        let sourceLayer = topology.layers[source]
        if sourceLayer.valueCount == layer.valueCount, sameBits(values, sourceValues) {
            return .copy(source: source)
        }
        if layer.kind == .pool, let window = nonOverlappingWindow(from: sourceLayer, to: layer) {
            var pooled = [Float](repeating: 0, count: layer.valueCount)
            for trace in 0..<count {
                let sourceStart = sourceValues.startIndex + trace * sourceLayer.valueCount
                maxPool(sourceValues[sourceStart..<(sourceStart + sourceLayer.valueCount)], window: window, source: sourceLayer, target: layer, into: &pooled)
                let start = values.startIndex + trace * layer.valueCount
                if !sameBits(values[start..<(start + layer.valueCount)], pooled[...]) { return nil }
            }
            return .maxPool(source: source, window: window)
        }
        return nil
    }

    static func write(_ derivation: Derivation, into payload: inout PayloadWriter) throws {
        switch derivation {
        case .copy(let source):
            payload.writeUInt8(copyCode)
            try payload.writeUInt32(source)
        case .maxPool(let source, let window):
            payload.writeUInt8(maxPoolCode)
            for number in [source, window.kernelHeight, window.kernelWidth, window.strideHeight, window.strideWidth] {
                try payload.writeUInt32(number)
            }
        }
    }

    /// Reads a derived block's parameters (after its layout `code`) and computes each trace's
    /// values of `layer` from the rows already read (`layerRows`, one list per earlier layer;
    /// `readable(j)` tells whether layer `j`'s rows hold its full values).
    static func read(
        code: UInt8, layer: Layer, topology: ModelTopology, layerRows: [[[Float]]], readable: (Int) -> Bool,
        from reader: inout PayloadReader
    ) throws -> [[Float]] {
        let source = try reader.readCount()
        guard source < layer.index, readable(source) else {
            throw PayloadError("a block derived from layer \(source), which is not an earlier layer read at full resolution")
        }
        let sourceLayer = topology.layers[source]
        if code == copyCode {
            guard sourceLayer.valueCount == layer.valueCount else {
                throw PayloadError("a copy of layer \(source), whose \(sourceLayer.valueCount) values per trace are not \(layer.valueCount)")
            }
            return layerRows[source]
        }
        let window = MaxPooling.Window(
            kernelHeight: try reader.readCount(), kernelWidth: try reader.readCount(),
            strideHeight: try reader.readCount(), strideWidth: try reader.readCount())
        guard fits(window, from: sourceLayer, to: layer) else {
            throw PayloadError("a max pool (kernel \(window.kernelHeight)×\(window.kernelWidth), stride \(window.strideHeight)×\(window.strideWidth)) does not turn layer \(source)'s maps (\(sourceLayer.nodeCount) × \(sourceLayer.nodeShape)) into this layer's (\(layer.nodeCount) × \(layer.nodeShape))")
        }
        return layerRows[source].map { values in
            var pooled = [Float](repeating: 0, count: layer.valueCount)
            maxPool(values[...], window: window, source: sourceLayer, target: layer, into: &pooled)
            return pooled
        }
    }

    /// A node's map as height × width (a 1-D map is one row).
    private static func plane(_ layer: Layer) -> (height: Int, width: Int)? {
        switch layer.nodeShape.count {
        case 1: return (1, layer.nodeShape[0])
        case 2: return (layer.nodeShape[0], layer.nodeShape[1])
        default: return nil
        }
    }

    /// Kernel = stride = the ratio of the maps' sides rounded down (a 2×2 pool of a 9×9 map
    /// leaves the last row and column out), when that gives the target's maps.
    private static func nonOverlappingWindow(from source: Layer, to target: Layer) -> MaxPooling.Window? {
        guard source.nodeCount == target.nodeCount, let from = plane(source), let to = plane(target),
              to.height > 0, to.width > 0, from.height >= to.height, from.width >= to.width
        else { return nil }
        let window = MaxPooling.Window(
            kernelHeight: from.height / to.height, kernelWidth: from.width / to.width,
            strideHeight: from.height / to.height, strideWidth: from.width / to.width)
        return fits(window, from: source, to: target) ? window : nil
    }

    /// Whether pooling `source`'s maps with `window` gives maps of `target`'s shape.
    private static func fits(_ window: MaxPooling.Window, from source: Layer, to target: Layer) -> Bool {
        guard source.nodeCount == target.nodeCount, let from = plane(source), let to = plane(target),
              window.kernelHeight >= 1, window.kernelWidth >= 1, window.strideHeight >= 1, window.strideWidth >= 1,
              window.kernelHeight <= from.height, window.kernelWidth <= from.width
        else { return false }
        return (from.height - window.kernelHeight) / window.strideHeight + 1 == to.height
            && (from.width - window.kernelWidth) / window.strideWidth + 1 == to.width
    }

    /// Every channel's map pooled into `output` (`target.valueCount` values; `values` holds
    /// `source.valueCount`) by the engine's kernel (`MaxPooling`).
    static func maxPool(_ values: ArraySlice<Float>, window: MaxPooling.Window, source: Layer, target: Layer, into output: inout [Float]) {
        let (height, width) = plane(source)!, (outputHeight, outputWidth) = plane(target)!
        precondition(values.count == source.nodeCount * height * width && output.count == target.nodeCount * outputHeight * outputWidth)
        values.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { output in
                guard let input = input.baseAddress, let output = output.baseAddress else { return }  // no channels
                MaxPooling.pool(
                    input, channels: target.nodeCount, height: height, width: width, window: window,
                    outputHeight: outputHeight, outputWidth: outputWidth, into: output)
            }
        }
    }

    /// Whether `a` and `b` hold the same bit patterns: the differences of a run of 256 values
    /// or'ed together (a loop the compiler vectorises), stopping after the first run with one.
    static func sameBits(_ a: ArraySlice<Float>, _ b: ArraySlice<Float>) -> Bool {
        guard a.count == b.count else { return false }
        return a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                for first in stride(from: 0, to: a.count, by: 256) {
                    var difference: UInt32 = 0
                    for index in first..<min(a.count, first &+ 256) { difference |= a[index].bitPattern ^ b[index].bitPattern }
                    if difference != 0 { return false }
                }
                return true
            }
        }
    }
}
