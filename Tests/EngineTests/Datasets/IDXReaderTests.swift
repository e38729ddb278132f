import Engine
import Foundation
import Testing
import TestSupport

/// IDX files: the real Fashion-MNIST test set (gzipped), cross-checked with numpy, and small
/// hand-built files.
@Suite struct IDXReaderTests {
    static let images = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz"
    static let labels = "/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz"

    @Test func fashionMNISTTestSetMatchesNumpy() throws {
        let dataset = try DatasetLoader.load(inputs: Self.images, labels: Self.labels)
        #expect(dataset.features.shape == [10000, 28, 28])
        let reference = try NumpyFiles.evaluate("""
            d = gzip.open('\(Self.images)').read(); x = np.frombuffer(d, np.uint8, offset=16).reshape(10000, 784).astype(np.int64)
            y = np.frombuffer(gzip.open('\(Self.labels)').read(), np.uint8, offset=8)
            print(x[0].sum(), x[9999].sum(), x[1234, 400], ' '.join(map(str, np.bincount(y))))
            """)
        let values = dataset.features.values
        let sum0 = values[0..<784].reduce(0, +), sum9999 = values[(9999 * 784)...].reduce(0, +)
        let histogram = (0..<10).map { label in dataset.labels!.filter { $0 == label }.count }
        let ours = "\(Int(sum0)) \(Int(sum9999)) \(Int(values[1234 * 784 + 400])) " + histogram.map(String.init).joined(separator: " ")
        #expect(ours == reference)
    }

    @Test func normalisationMapsBytesToSymmetricRange() throws {
        let dataset = try DatasetLoader.load(inputs: Self.images, normalization: Normalization(scale: 2 / 255, shift: -1)).prefix(50)
        #expect(dataset.count == 50)
        #expect(dataset.features.values.min() == -1)
        #expect(abs(dataset.features.values.max()! - 1) < 1e-6)
    }

    @Test func uncompressedFloatIDX() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("floats.idx")
        // Type 0x0D (float32), 2 dimensions: 2 × 3, big-endian.
        var bytes: [UInt8] = [0, 0, 0x0D, 2, 0, 0, 0, 2, 0, 0, 0, 3]
        for value: Float in [1.5, -2, 0, 3.25, 100, -0.125] {
            withUnsafeBytes(of: value.bitPattern.bigEndian) { bytes += $0 }
        }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let dataset = try DatasetLoader.load(inputs: path)
        #expect(dataset.features.shape == [2, 3])
        #expect(dataset.features.values == [1.5, -2, 0, 3.25, 100, -0.125])
    }

    @Test func truncatedGzipIsReported() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("cut.idx.gz")
        let whole = try Data(contentsOf: URL(fileURLWithPath: Self.labels))
        try whole.prefix(whole.count / 2).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: EngineError.self) { try DatasetLoader.load(inputs: path) }
        #expect(error?.message.hasPrefix("\(path): the gzip data ends early") == true, "\(error?.message ?? "")")
    }

    @Test func truncatedIDXDataIsReported() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("short.idx")
        try Data([0, 0, 0x08, 2, 0, 0, 0, 3, 0, 0, 0, 2, 1, 2, 3]).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: EngineError.self) { try DatasetLoader.load(inputs: path) }
        #expect(error?.message == "\(path): the data is truncated: shape [3, 2] needs 6 bytes, the file holds 3")
    }
}
