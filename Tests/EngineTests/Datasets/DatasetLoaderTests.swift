import Engine
import Foundation
import Testing
import TestSupport

extension DatasetsTests {
    /// What the loader does across formats: labels from a second file, normalisation, file
    /// and format errors.
    @Suite struct Loader {
        let directory: TemporaryDirectory
        let inputs: String
        let labels: String

        init() throws {
            directory = try TemporaryDirectory()
            inputs = directory.path("x.npy")
            labels = directory.path("y.npy")
        }

        @Test(arguments: ["<i8", "<i4", "|u1", "<u8", "<f8", "<f4"])
        func labelTypes(dtype: String) throws {
            try NumpyFiles.run(inputs, "np.save(out, np.zeros((5, 2), dtype=np.float32))")
            try NumpyFiles.run(labels, "np.save(out, np.array([3, 0, 9, 1, 255], dtype='\(dtype)').reshape(5, 1))")
            let dataset = try DatasetLoader.load(inputs: inputs, labels: labels)
            #expect(dataset.labels == [3, 0, 9, 1, 255])
            #expect(dataset.source == "\(inputs), \(labels)")
            #expect(dataset.prefix(2).labels == [3, 0])
            #expect(dataset.prefix(2).features.shape == [2, 2])
        }

        @Test func labelProblemsNameTheFiles() throws {
            try NumpyFiles.run(inputs, "np.save(out, np.zeros((4, 2), dtype=np.float32))")
            try NumpyFiles.run(labels, "np.save(out, np.array([1, 2, 3], dtype=np.int32))")
            #expect(DatasetsTests.failure { _ = try DatasetLoader.load(inputs: inputs, labels: labels) }
                == "\(labels): 3 labels for the 4 samples in \(inputs)")
            try NumpyFiles.run(labels, "np.save(out, np.array([1, 2, -3, 0], dtype=np.int32))")
            #expect(DatasetsTests.failure { _ = try DatasetLoader.load(inputs: inputs, labels: labels) }
                == "\(labels): row 2: label -3 is not a non-negative integer")
            try NumpyFiles.run(labels, "np.save(out, np.array([1, 2.5, 3, 0]))")
            #expect(DatasetsTests.failure { _ = try DatasetLoader.load(inputs: inputs, labels: labels) }
                == "\(labels): row 1: label 2.5 is not a non-negative integer")
            try NumpyFiles.run(labels, "np.save(out, np.zeros((4, 2), dtype=np.int64))")
            #expect(DatasetsTests.failure { _ = try DatasetLoader.load(inputs: inputs, labels: labels) }
                == "\(labels): labels must be one per row, found shape [4, 2]")
            #expect(DatasetsTests.failure { _ = try DatasetLoader.load(inputs: inputs, labelColumn: "0") }
                == "\(inputs): a label column applies to CSV inputs only; give the labels in a second file")
            #expect(DatasetsTests.failure { _ = try DatasetLoader.load(inputs: inputs, labels: labels, labelColumn: "0") }
                == "\(inputs): labels come from column '0' or from \(labels), not both")
        }

        @Test func normalisationMapsByteRangeToMinusOneOne() throws {
            try NumpyFiles.run(inputs, "np.save(out, np.array([[0, 255], [51, 128]], dtype=np.uint8))")
            let values = try DatasetLoader.load(inputs: inputs, normalization: Normalization(scale: 2 / 255, shift: -1)).features.values
            #expect(values[0] == -1)
            #expect(abs(values[1] - 1) < 1e-6)
            #expect(abs(values[2] - (-0.6)) < 1e-6)
            #expect(abs(values[3] - 1 / 255) < 1e-6)
            #expect(try DatasetLoader.load(inputs: inputs).features.values == [0, 255, 51, 128])
        }

        @Test func unreadableFilesGiveTheSystemReason() throws {
            let missing = directory.path("absent.npy")
            #expect(DatasetsTests.failure { _ = try DatasetLoader.load(inputs: missing) } == "\(missing): cannot open: No such file or directory")
            #expect(DatasetsTests.failure { _ = try DatasetLoader.loadIntegers(path: missing) } == "\(missing): cannot open: No such file or directory")
            #expect(DatasetsTests.failure { _ = try DatasetLoader.load(inputs: directory.url.path) } == "\(directory.url.path): cannot read: Is a directory")
        }

        @Test func unknownFormatsListTheSupportedOnes() throws {
            let supported = "NPY (.npy), IDX as in MNIST (optionally gzipped), CSV or text with one row per line"
            let binary = directory.path("blob.bin")
            try DatasetsTests.write([0x01, 0x02, 0x00, 0xFF, 0x7F], to: binary)
            #expect(DatasetsTests.failure { _ = try DatasetLoader.load(inputs: binary) } == "\(binary): unknown data format; supported: \(supported)")
            let archive = directory.path("arrays.npz")
            try NumpyFiles.run(archive, "np.savez(out, x=np.zeros(3))")
            #expect(DatasetsTests.failure { _ = try DatasetLoader.load(inputs: archive) }
                == "\(archive): zip archives (such as .npz) are not supported; save one array with np.save. Supported: \(supported)")
            let empty = directory.path("empty.npy")
            try DatasetsTests.write([], to: empty)
            #expect(DatasetsTests.failure { _ = try DatasetLoader.load(inputs: empty) } == "\(empty): the file is empty")
        }
    }
}
