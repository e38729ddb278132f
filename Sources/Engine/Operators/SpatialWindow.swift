/// The sliding-window geometry shared by Conv and the pooling operators (1-D or 2-D):
/// kernel, strides, dilations, padding (explicit or auto_pad) and ceil mode.
struct SpatialWindow {
    enum AutoPad: String {
        case notSet = "NOTSET", sameUpper = "SAME_UPPER", sameLower = "SAME_LOWER", valid = "VALID"
    }

    let kernel: [Int]
    let strides: [Int]
    let dilations: [Int]
    let explicitPads: [Int]
    let autoPad: AutoPad
    let ceilMode: Bool

    /// Reads the window attributes; `kernel` comes from the weights (Conv) or `kernel_shape`.
    init(_ context: OperatorContext, kernel: [Int], allowsCeilMode: Bool) throws {
        let attributes = context.attributes
        let axes = kernel.count
        guard axes == 1 || axes == 2 else {
            throw attributes.error("only 1-D and 2-D windows are supported, got \(axes)-D")
        }
        guard kernel.allSatisfy({ $0 > 0 }) else { throw attributes.error("kernel \(kernel) must be positive") }
        self.kernel = kernel
        strides = try attributes.ints("strides") ?? [Int](repeating: 1, count: axes)
        dilations = try attributes.ints("dilations") ?? [Int](repeating: 1, count: axes)
        explicitPads = try attributes.ints("pads") ?? [Int](repeating: 0, count: 2 * axes)
        let autoPadName = try attributes.string("auto_pad", default: "NOTSET")
        guard let autoPad = AutoPad(rawValue: autoPadName) else {
            throw attributes.error("auto_pad '\(autoPadName)' is not supported")
        }
        self.autoPad = autoPad
        ceilMode = allowsCeilMode ? try attributes.require("ceil_mode", in: [0, 1], default: 0) == 1 : false
        guard strides.count == axes, dilations.count == axes, explicitPads.count == 2 * axes else {
            throw attributes.error("strides, dilations and pads must match the \(axes)-D kernel")
        }
        guard strides.allSatisfy({ $0 > 0 }), dilations.allSatisfy({ $0 > 0 }), explicitPads.allSatisfy({ $0 >= 0 }) else {
            throw attributes.error("strides and dilations must be positive and pads non-negative")
        }
    }

    /// Padding before and after each axis for an input of `spatial` size.
    func pads(for spatial: [Int]) -> (begin: [Int], end: [Int]) {
        let axes = kernel.count
        switch autoPad {
        case .notSet:
            return (Array(explicitPads[0..<axes]), Array(explicitPads[axes...]))
        case .valid:
            return ([Int](repeating: 0, count: axes), [Int](repeating: 0, count: axes))
        case .sameUpper, .sameLower:
            var begin: [Int] = [], end: [Int] = []
            for axis in 0..<axes {
                let output = (spatial[axis] + strides[axis] - 1) / strides[axis]
                let extent = (kernel[axis] - 1) * dilations[axis] + 1
                let total = max(0, (output - 1) * strides[axis] + extent - spatial[axis])
                let small = total / 2
                begin.append(autoPad == .sameUpper ? small : total - small)
                end.append(autoPad == .sameUpper ? total - small : small)
            }
            return (begin, end)
        }
    }

    /// Output size per axis for an input of `spatial` size.
    func outputSize(for spatial: [Int]) throws -> [Int] {
        let (begin, end) = pads(for: spatial)
        return try (0..<kernel.count).map { axis in
            let extent = (kernel[axis] - 1) * dilations[axis] + 1
            let span = spatial[axis] + begin[axis] + end[axis] - extent
            guard span >= 0 else {
                throw EngineError("window \(kernel) (dilation \(dilations)) is larger than the padded input \(spatial)")
            }
            if autoPad == .sameUpper || autoPad == .sameLower {
                return (spatial[axis] + strides[axis] - 1) / strides[axis]
            }
            var size = (ceilMode ? (span + strides[axis] - 1) / strides[axis] : span / strides[axis]) + 1
            // In ceil mode a window may not start inside the end padding.
            if ceilMode && (size - 1) * strides[axis] >= spatial[axis] + begin[axis] { size -= 1 }
            return size
        }
    }
}

/// A per-sample spatial layout normalised to two axes (1-D data has height 1), so kernels
/// are written once.
struct PlaneGeometry {
    var inputHeight: Int, inputWidth: Int
    var outputHeight: Int, outputWidth: Int
    var kernelHeight: Int, kernelWidth: Int
    var strideHeight: Int, strideWidth: Int
    var dilationHeight: Int, dilationWidth: Int
    var padTop: Int, padLeft: Int, padBottom: Int, padRight: Int

    init(window: SpatialWindow, inputSpatial: [Int]) throws {
        let output = try window.outputSize(for: inputSpatial)
        let (begin, end) = window.pads(for: inputSpatial)
        func pick(_ values: [Int], _ fill: Int) -> (Int, Int) {
            values.count == 1 ? (fill, values[0]) : (values[0], values[1])
        }
        (inputHeight, inputWidth) = pick(inputSpatial, 1)
        (outputHeight, outputWidth) = pick(output, 1)
        (kernelHeight, kernelWidth) = pick(window.kernel, 1)
        (strideHeight, strideWidth) = pick(window.strides, 1)
        (dilationHeight, dilationWidth) = pick(window.dilations, 1)
        (padTop, padLeft) = pick(begin, 0)
        (padBottom, padRight) = pick(end, 0)
        self.outputSpatial = output
    }

    /// The output's spatial shape, with the original number of axes.
    let outputSpatial: [Int]

    var inputPlane: Int { inputHeight * inputWidth }

    /// No padding, dilation 1, and every window lies inside the input.
    var windowsFitInside: Bool {
        padTop == 0 && padLeft == 0 && dilationHeight == 1 && dilationWidth == 1
            && (outputHeight - 1) * strideHeight + kernelHeight <= inputHeight
            && (outputWidth - 1) * strideWidth + kernelWidth <= inputWidth
    }
    var outputPlane: Int { outputHeight * outputWidth }
}
