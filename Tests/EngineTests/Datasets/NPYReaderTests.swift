import Engine
import Foundation
import Testing
import TestSupport

extension DatasetsTests {
    /// NPY files written by numpy read back with numpy's own shape and float32 values.
    @Suite struct NPY {
        @Test(arguments: ["<f4", "<f8", "|u1", ">f4", ">f8", "<i8", "<i4", ">i2", "|i1", "<u2"])
        func elementTypesMatchNumpy(dtype: String) throws {
            let directory = try TemporaryDirectory()
            let path = directory.path("x.npy")
            let printed = try NumpyFiles.run(path, """
                rng = np.random.default_rng(5)
                a = rng.standard_normal((3, 2, 4)) * 1000 if 'f' in '\(dtype)' else rng.integers(0, 120, (3, 2, 4))
                a = a.astype('\(dtype)')
                np.save(out, a)
                assert np.load(out).dtype.str == '\(dtype)'
                \(NumpyFiles.printBits("a"))
                """)
            let dataset = try DatasetLoader.load(inputs: path)
            #expect(dataset.features.shape == [3, 2, 4])
            #expect(dataset.features.values == NumpyFiles.floats(fromBits: printed))
            #expect(dataset.labels == nil)
        }

        @Test(arguments: [1, 2, 3])
        func headerVersions(major: Int) throws {
            let directory = try TemporaryDirectory()
            let path = directory.path("x.npy")
            let printed = try NumpyFiles.run(path, """
                a = np.linspace(-1, 1, 15, dtype=np.float32).reshape(5, 3)
                np.lib.format.write_array(open(out, 'wb'), a, version=(\(major), 0))
                \(NumpyFiles.printBits("a"))
                """)
            #expect(try Data(contentsOf: URL(fileURLWithPath: path))[6] == UInt8(major))
            let dataset = try DatasetLoader.load(inputs: path)
            #expect(dataset.features.shape == [5, 3])
            #expect(dataset.features.values == NumpyFiles.floats(fromBits: printed))
        }

        /// NPY version 1.0 bytes with `header` (padded as numpy pads it) and float32 `values`.
        private static func npy(header text: String, values: [Float]) -> [UInt8] {
            var header = Array(text.utf8)
            header += [UInt8](repeating: 0x20, count: 63 - (10 + header.count) % 64) + [0x0A]
            var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.count % 256), UInt8(header.count / 256)] + header
            for value in values { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes += $0 } }
            return bytes
        }

        /// A header written by hand in another style (double quotes, other key order, Python 2
        /// `L` suffix, trailing comma), which numpy itself also accepts.
        @Test func handWrittenHeader() throws {
            let directory = try TemporaryDirectory()
            let path = directory.path("h.npy")
            let header = #"{"shape": (3L,), "fortran_order": False, "descr": "<f4", }"#
            try DatasetsTests.write(Self.npy(header: header, values: [0.25, -7, 1e30]), to: path)
            let printed = try NumpyFiles.run(path, NumpyFiles.printBits("np.load(out)"))
            let dataset = try DatasetLoader.load(inputs: path)
            #expect(dataset.features.shape == [3])
            #expect(dataset.features.values == NumpyFiles.floats(fromBits: printed))
            #expect(dataset.features.values == [0.25, -7, 1e30])
        }

        @Test func malformedHeadersAreExplained() throws {
            let directory = try TemporaryDirectory()
            let path = directory.path("m.npy")
            let cases = [
                "{'descr': '<f4', 'fortran_order': False, 'shape': (2,}": "unreadable NPY header: unexpected '}' at character 54",
                "{'descr': '<f4', 'shape': (2,), }": "the NPY header has no 'fortran_order' True or False",
                "{'descr': '<f4', 'fortran_order': False}": "the NPY header has no 'shape' tuple",
                "{'fortran_order': False, 'shape': (2,)}": "the NPY header has no 'descr'",
                "{'descr': '<f4', 'fortran_order': False, 'shape': (2, -1)}": "the NPY shape must hold non-negative integers",
                "['descr']": "the NPY header is not a dictionary",
            ]
            for (header, message) in cases {
                try DatasetsTests.write(Self.npy(header: header, values: [1, 2]), to: path)
                #expect(DatasetsTests.failure { _ = try DatasetLoader.load(inputs: path) } == "\(path): \(message)")
            }
        }

        @Test func gzippedFileIsRecognisedByContent() throws {
            let directory = try TemporaryDirectory()
            let path = directory.path("packed.npy")
            let printed = try NumpyFiles.run(path, """
                a = np.arange(12, dtype=np.float64).reshape(4, 3) / 8
                np.save(gzip.open(out, 'wb'), a)
                \(NumpyFiles.printBits("a"))
                """)
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)).prefix(2) == Data([0x1F, 0x8B]))
            #expect(try DatasetLoader.load(inputs: path).features.values == NumpyFiles.floats(fromBits: printed))
        }

        @Test func unsupportedArraysAreRefused() throws {
            let directory = try TemporaryDirectory()
            let path = directory.path("r.npy")
            let cases = [
                "np.save(out, np.asfortranarray(np.ones((3, 2), dtype=np.float32)))":
                    "the array is stored in Fortran order; save it in C order (np.ascontiguousarray)",
                "np.save(out, np.zeros(3, dtype=[('a', '<f4'), ('b', '<i4')]))":
                    "structured dtypes are not supported; save a plain numeric array",
                "np.save(out, np.zeros(3, dtype=np.float16))":
                    "dtype '<f2' is not supported (float32, float64 and 8- to 64-bit integers are)",
                "np.save(out, np.float32(2.5))": "a single number is not a set of samples (shape [])",
            ]
            for (code, message) in cases {
                try NumpyFiles.run(path, code)
                #expect(DatasetsTests.failure { _ = try DatasetLoader.load(inputs: path) } == "\(path): \(message)")
            }
        }

        @Test func truncatedDataSaysHowMuchIsMissing() throws {
            let directory = try TemporaryDirectory()
            let path = directory.path("t.npy")
            try NumpyFiles.run(path, "np.save(out, np.zeros((4, 5), dtype=np.float32))")
            let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            try bytes.prefix(bytes.count - 6).write(to: URL(fileURLWithPath: path))
            #expect(DatasetsTests.failure { _ = try DatasetLoader.load(inputs: path) }
                == "\(path): the data is truncated: shape [4, 5] of float32 needs 80 bytes, the file holds 74")
        }

        @Test func nonFiniteValuesNameTheRow() throws {
            let directory = try TemporaryDirectory()
            let path = directory.path("n.npy")
            try NumpyFiles.run(path, "a = np.zeros((6, 2, 2), dtype=np.float32); a[3, 1, 0] = np.nan; np.save(out, a)")
            #expect(DatasetsTests.failure { _ = try DatasetLoader.load(inputs: path) } == "\(path): row 3 (element 2) holds NaN")
            try NumpyFiles.run(path, "a = np.zeros((6, 2), dtype=np.float64); a[5, 1] = -np.inf; np.save(out, a)")
            #expect(DatasetsTests.failure { _ = try DatasetLoader.load(inputs: path) } == "\(path): row 5 (element 1) holds an infinite value")
        }
    }
}
