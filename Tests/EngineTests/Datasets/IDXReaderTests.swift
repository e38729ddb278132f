import Engine
import Foundation
import Testing
import TestSupport

extension DatasetsTests {
    /// IDX files: the real Fashion-MNIST test set (gzipped) cross-checked with numpy, and small
    /// files of every element type written by Python's `struct`.
    @Suite struct IDX {
        static let images = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz"
        static let labels = "/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz"

        @Test func fashionMNISTTestSetMatchesNumpy() throws {
            let dataset = try DatasetLoader.load(inputs: Self.images, labels: Self.labels)
            #expect(dataset.features.shape == [10000, 28, 28])
            let reference = try NumpyFiles.run("", """
                x = np.frombuffer(gzip.open('\(Self.images)').read(), np.uint8, offset=16).reshape(10000, 784).astype(np.int64)
                y = np.frombuffer(gzip.open('\(Self.labels)').read(), np.uint8, offset=8)
                print(x[0].sum(), x[9999].sum(), x[1234, 400], y[0], y[9999], ' '.join(map(str, np.bincount(y))))
                """)
            let values = dataset.features.values, labels = try #require(dataset.labels)
            let sum0 = values[0..<784].reduce(0, +), sum9999 = values[(9999 * 784)...].reduce(0, +)
            let histogram = (0..<10).map { label in labels.filter { $0 == label }.count }
            let ours = [Int(sum0), Int(sum9999), Int(values[1234 * 784 + 400]), labels[0], labels[9999]] + histogram
            #expect(ours.map(String.init).joined(separator: " ") == reference)
            #expect(try DatasetLoader.loadIntegers(path: Self.labels) == labels)
        }

        @Test func normalisationMapsBytesToSymmetricRange() throws {
            let dataset = try DatasetLoader.load(inputs: Self.images, normalization: Normalization(scale: 2 / 255, shift: -1)).prefix(50)
            #expect(dataset.count == 50)
            #expect(dataset.features.values.min() == -1)
            #expect(abs(dataset.features.values.max()! - 1) < 1e-6)
        }

        @Test(arguments: [(0x08, ">u1"), (0x09, ">i1"), (0x0B, ">i2"), (0x0C, ">i4"), (0x0D, ">f4"), (0x0E, ">f8")])
        func elementTypesMatchPython(code: Int, dtype: String) throws {
            let directory = try TemporaryDirectory()
            let path = directory.path("small.idx")
            let printed = try NumpyFiles.run(path, """
                rng = np.random.default_rng(3)
                a = rng.standard_normal((2, 3, 5)) * 300 if 'f' in '\(dtype)' else rng.integers(-128 if 'i' in '\(dtype)' else 0, 128, (2, 3, 5))
                a = a.astype('\(dtype)')
                open(out, 'wb').write(struct.pack('>BBBB', 0, 0, \(code), 3) + struct.pack('>III', 2, 3, 5) + a.tobytes())
                \(NumpyFiles.printBits("a"))
                """)
            let dataset = try DatasetLoader.load(inputs: path)
            #expect(dataset.features.shape == [2, 3, 5])
            #expect(dataset.features.values == NumpyFiles.floats(fromBits: printed))
        }

        /// Two gzip members back to back (as `cat a.gz b.gz` makes) inflate to both parts.
        @Test func multiMemberGzip() throws {
            let directory = try TemporaryDirectory()
            let path = directory.path("two-members")
            try NumpyFiles.run(path, """
                data = struct.pack('>BBBBI', 0, 0, 8, 1, 6) + bytes([1, 2, 3, 4, 5, 6])
                open(out, 'wb').write(gzip.compress(data[:7]) + gzip.compress(data[7:]))
                """)
            #expect(try DatasetLoader.loadIntegers(path: path) == [1, 2, 3, 4, 5, 6])
        }

        @Test func damagedFilesAreReported() throws {
            let directory = try TemporaryDirectory()
            let whole = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Self.labels)))

            let cut = directory.path("cut.idx.gz")
            try DatasetsTests.write(Array(whole.prefix(whole.count / 2)), to: cut)
            let truncated = DatasetsTests.failure { _ = try DatasetLoader.load(inputs: cut) }
            #expect(truncated?.hasPrefix("\(cut): the gzip data ends early") == true, "\(truncated ?? "no error")")

            let corrupt = directory.path("corrupt.gz")
            var damaged = whole
            for index in 100..<120 { damaged[index] ^= 0xA5 }
            try DatasetsTests.write(damaged, to: corrupt)
            let message = DatasetsTests.failure { _ = try DatasetLoader.load(inputs: corrupt) }
            #expect(message?.hasPrefix("\(corrupt): damaged gzip data at compressed byte") == true, "\(message ?? "no error")")

            let short = directory.path("short.idx")
            try DatasetsTests.write([0, 0, 0x08, 2, 0, 0, 0, 3, 0, 0, 0, 2, 1, 2, 3], to: short)
            #expect(DatasetsTests.failure { _ = try DatasetLoader.load(inputs: short) }
                == "\(short): the data is truncated: shape [3, 2] of uint8 needs 6 bytes, the file holds 3")
        }
    }
}
