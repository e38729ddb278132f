import Engine
import Foundation
import Testing
import TestSupport

/// NPY files written by numpy read back with the same shape and values.
@Suite struct NPYReaderTests {
    @Test(arguments: ["float32", "float64", "uint8"])
    func readsFeatureTypes(dtype: String) throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("x.npy")
        let divisor = dtype == "uint8" ? 1 : 4
        try NumpyFiles.write(path, "np.save(out, (np.arange(24).reshape(2, 3, 4) * 7 % 256 // \(divisor)).astype(np.\(dtype)))")
        let dataset = try DatasetLoader.load(inputs: path)
        #expect(dataset.features.shape == [2, 3, 4])
        #expect(dataset.features.values == (0..<24).map { Float($0 * 7 % 256 / divisor) })
        #expect(dataset.labels == nil)
    }

    @Test func readsVersion2HeadersAndIntegerLabels() throws {
        let directory = try TemporaryDirectory()
        let inputs = directory.path("x.npy"), labels = directory.path("y.npy")
        try NumpyFiles.write(inputs, "np.lib.format.write_array(open(out, 'wb'), np.linspace(-1, 1, 15, dtype=np.float32).reshape(5, 3), version=(2, 0))")
        try NumpyFiles.write(labels, "np.save(out, np.array([3, 0, 9, 1, 1], dtype=np.int64))")
        let dataset = try DatasetLoader.load(inputs: inputs, labels: labels, normalization: Normalization(scale: 2, shift: 1))
        #expect(dataset.labels == [3, 0, 9, 1, 1])
        let expected = (0..<15).map { Float(-1 + 2 * Double($0) / 14) * 2 + 1 }
        #expect(zip(dataset.features.values, expected).allSatisfy { abs($0 - $1) < 1e-6 })
        #expect(dataset.prefix(2).labels == [3, 0])
        #expect(dataset.prefix(2).features.shape == [2, 3])
    }

    @Test func fortranOrderIsRefused() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("f.npy")
        try NumpyFiles.write(path, "np.save(out, np.asfortranarray(np.ones((3, 2), dtype=np.float32)))")
        let error = #expect(throws: EngineError.self) { try DatasetLoader.load(inputs: path) }
        #expect(error?.message == "\(path): the array is stored in Fortran order; save it in C order (np.ascontiguousarray)")
    }

    @Test func truncatedDataSaysHowMuchIsMissing() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("t.npy")
        try NumpyFiles.write(path, "np.save(out, np.zeros((4, 5), dtype=np.float32))")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        try bytes.prefix(bytes.count - 6).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: EngineError.self) { try DatasetLoader.load(inputs: path) }
        #expect(error?.message == "\(path): the data is truncated: shape [4, 5] of f4 needs 80 bytes, the file holds 74")
    }

    @Test func nanNamesTheRow() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("n.npy")
        try NumpyFiles.write(path, "a = np.zeros((6, 2, 2), dtype=np.float32); a[3, 1, 0] = np.nan; np.save(out, a)")
        let error = #expect(throws: EngineError.self) { try DatasetLoader.load(inputs: path) }
        #expect(error?.message == "\(path): row 3 (element 2) holds NaN")
        try NumpyFiles.write(path, "a = np.zeros((6, 2), dtype=np.float64); a[5, 1] = -np.inf; np.save(out, a)")
        let infinite = #expect(throws: EngineError.self) { try DatasetLoader.load(inputs: path) }
        #expect(infinite?.message == "\(path): row 5 (element 1) holds an infinite value")
    }

    @Test func labelProblemsNameTheFiles() throws {
        let directory = try TemporaryDirectory()
        let inputs = directory.path("x.npy"), labels = directory.path("y.npy")
        try NumpyFiles.write(inputs, "np.save(out, np.zeros((4, 2), dtype=np.float32))")
        try NumpyFiles.write(labels, "np.save(out, np.array([1, 2, 3], dtype=np.int32))")
        let mismatch = #expect(throws: EngineError.self) { try DatasetLoader.load(inputs: inputs, labels: labels) }
        #expect(mismatch?.message == "\(labels): 3 labels for the 4 samples in \(inputs)")
        try NumpyFiles.write(labels, "np.save(out, np.array([1, 2, -3, 0], dtype=np.int32))")
        let negative = #expect(throws: EngineError.self) { try DatasetLoader.load(inputs: inputs, labels: labels) }
        #expect(negative?.message == "\(labels): row 2: label -3.0 is not a non-negative integer")
        let missing = #expect(throws: EngineError.self) { try DatasetLoader.load(inputs: directory.path("absent.npy")) }
        #expect(missing?.message == "\(directory.path("absent.npy")): no such file")
    }
}
