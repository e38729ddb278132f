import Engine
import Foundation
import Testing
import TestSupport

extension DatasetsTests {
    /// Samples read a batch at a time equal numpy's array and the whole file loaded at once, for
    /// every input format; the files (1.2 MB of samples) are larger than the readers' chunks
    /// (1 MB read, 256 KB inflated), so rows straddle them.
    @Suite struct Stream {
        static let rows = 6001, width = 200, batchSize = 7

        enum Format: String, CaseIterable {
            case npy, idx, idxGzip, csv
        }

        /// Writes the same random samples (uint8 values, as images are) and labels in `format`;
        /// returns the inputs, the labels file (nil for CSV, whose last column is the label),
        /// and numpy's float32 bits of the samples.
        static func write(_ format: Format, in directory: TemporaryDirectory) throws -> (inputs: String, labels: String?, bits: String) {
            let inputs = directory.path("x.\(format.rawValue)"), labels = directory.path("y.npy")
            let printed = try NumpyFiles.run(inputs, """
                rng = np.random.default_rng(17)
                x = rng.integers(0, 256, (\(rows), \(width))).astype(np.uint8)
                y = rng.integers(0, 10, \(rows))
                np.save('\(labels)', y)
                idx = struct.pack('>BBBBII', 0, 0, 8, 2, \(rows), \(width)) + x.tobytes()
                if '\(format)' == 'npy': np.save(open(out, 'wb'), x)
                if '\(format)' == 'idx': open(out, 'wb').write(idx)
                if '\(format)' == 'idxGzip': open(out, 'wb').write(gzip.compress(idx))
                if '\(format)' == 'csv':
                    with open(out, 'w') as f:
                        f.write(','.join('p%d' % i for i in range(\(width))) + ',label\\n')
                        for row, label in zip(x, y): f.write(','.join(map(str, row)) + ',%d\\n' % label)
                print(' '.join(map(str, y)))
                \(NumpyFiles.printBits("x"))
                """)
            let lines = printed.split(separator: "\n")
            try #require(lines.count == 2)
            return (inputs, format == .csv ? nil : labels, String(lines[1]))
        }

        @Test(arguments: Format.allCases)
        func batchesEqualTheWholeFile(format: Format) throws {
            let directory = try TemporaryDirectory()
            let (inputs, labels, bits) = try Self.write(format, in: directory)
            let labelColumn = labels == nil ? "label" : nil
            let normalization = Normalization(scale: 2 / 255, shift: -1)
            let stream = try DatasetLoader.open(inputs: inputs, labels: labels, labelColumn: labelColumn, normalization: normalization)
            #expect(stream.count == Self.rows)
            #expect(stream.sampleShape == [Self.width])
            var batches: [SampleBatch] = []
            while let batch = try stream.nextBatch(maximumCount: Self.batchSize) { batches.append(batch) }
            #expect(batches.map(\.count) == Array(repeating: 7, count: 857) + [2], "6001 = 857 · 7 + 2")
            #expect(batches.map(\.start) == Array(stride(from: 0, to: Self.rows, by: 7)))

            let whole = try DatasetLoader.load(inputs: inputs, labels: labels, labelColumn: labelColumn, normalization: normalization)
            #expect(batches.flatMap(\.features.values) == whole.features.values)
            #expect(batches.flatMap { $0.labels ?? [] } == whole.labels)
            let raw = NumpyFiles.floats(fromBits: bits)
            #expect(whole.features.values == raw.map { $0 * (2 / 255) + -1 }, "numpy's values, normalised")
            #expect(whole.labels?.count == Self.rows)
        }

        @Test func limitStopsEarlyAndReadAllTakesTheRest() throws {
            let directory = try TemporaryDirectory()
            let (inputs, labels, bits) = try Self.write(.idxGzip, in: directory)
            let stream = try DatasetLoader.open(inputs: inputs, labels: labels, limit: 10)
            #expect(stream.count == 10)
            let first = try #require(try stream.nextBatch(maximumCount: 4))
            let rest = try stream.readAll()
            #expect(rest.count == 6)
            #expect(try stream.nextBatch(maximumCount: 4) == nil)
            let raw = NumpyFiles.floats(fromBits: bits)
            #expect(first.features.values + rest.features.values == Array(raw[0..<(10 * Self.width)]))
        }

        /// A damaged sample deep in a file is reported by the batch that reads it, naming its row.
        @Test func badSampleComesWithItsBatch() throws {
            let directory = try TemporaryDirectory()
            let path = directory.path("n.npy")
            try NumpyFiles.run(path, "a = np.zeros((10, 3), dtype=np.float32); a[8, 2] = np.inf; np.save(out, a)")
            let stream = try DatasetLoader.open(inputs: path)
            #expect(try stream.nextBatch(maximumCount: 5)?.count == 5)
            #expect(DatasetsTests.failure { _ = try stream.nextBatch(maximumCount: 5) } == "\(path): row 8 (element 2) holds an infinite value")
        }

        /// A gzipped array shorter than its shape says (its length is unknown until inflated) is
        /// reported by the batch that reaches its end.
        @Test func shortGzippedDataIsFoundWhenReached() throws {
            let directory = try TemporaryDirectory()
            let path = directory.path("cut.idx.gz")
            try NumpyFiles.run(path, """
                data = struct.pack('>BBBBII', 0, 0, 8, 2, 4, 3) + bytes(range(9))
                open(out, 'wb').write(gzip.compress(data))
                """)
            let stream = try DatasetLoader.open(inputs: path)
            #expect(try stream.nextBatch(maximumCount: 3)?.features.values == [0, 1, 2, 3, 4, 5, 6, 7, 8])
            #expect(DatasetsTests.failure { _ = try stream.nextBatch(maximumCount: 3) }
                == "\(path): the data is truncated: shape [4, 3] of uint8 needs 12 bytes, the file holds 9")
        }
    }
}
