import Engine
import Foundation
import Testing
import TestSupport

extension DatasetsTests {
    /// CSV inputs: headers, label columns by name or index, numbers as numpy reads them, and
    /// errors with line:column.
    @Suite struct CSV {
        let directory: TemporaryDirectory
        let path: String

        init() throws {
            directory = try TemporaryDirectory()
            path = directory.path("data.csv")
        }

        private func load(_ text: String, labelColumn: String? = nil) throws -> Dataset {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            return try DatasetLoader.load(inputs: path, labelColumn: labelColumn)
        }

        /// The error message for `text`, with the path shortened to `data.csv`.
        private func failure(_ text: String, labelColumn: String? = nil) throws -> String? {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            return DatasetsTests.failure { _ = try DatasetLoader.load(inputs: path, labelColumn: labelColumn) }?
                .replacingOccurrences(of: path, with: "data.csv")
        }

        @Test func headerAndNamedLabelColumn() throws {
            let dataset = try load("x1, label ,x2\r\n0.5,2,-1\r\n\"3\",0,4e-1\r\n\r\n  \n", labelColumn: "label")
            #expect(dataset.features.shape == [2, 2])
            #expect(dataset.features.values == [0.5, -1, 3, 0.4])
            #expect(dataset.labels == [2, 0])
        }

        @Test func noHeaderAndIndexedLabelColumn() throws {
            let dataset = try load("7,1,2\n8,3,4\n9.0,5,6\n", labelColumn: "0")
            #expect(dataset.features.values == [1, 2, 3, 4, 5, 6])
            #expect(dataset.labels == [7, 8, 9])
            let unlabelled = try load("\u{FEFF}1,2\n3,4")
            #expect(unlabelled.labels == nil)
            #expect(unlabelled.features.shape == [2, 2])
            #expect(unlabelled.features.values == [1, 2, 3, 4])
        }

        /// Numbers in many spellings parse to the float32 values numpy gives them.
        @Test func numbersMatchNumpy() throws {
            let printed = try NumpyFiles.run(path, """
                rng = np.random.default_rng(11)
                a = rng.standard_normal((40, 6)) * 10.0 ** rng.integers(-8, 9, (40, 6))
                y = rng.integers(0, 10, 40)
                with open(out, 'w') as f:
                    f.write('f0,f1,f2,y,f3,f4,f5\\n')
                    for row, label in zip(a, y):
                        cells = [repr(float(v)) if i % 2 else '%.9e' % v for i, v in enumerate(row)]
                        f.write(','.join(cells[:3] + [str(label)] + cells[3:]) + '\\n')
                b = np.loadtxt(out, delimiter=',', skiprows=1, dtype=np.float32)
                print(' '.join(map(str, b[:, 3].astype(int))))
                \(NumpyFiles.printBits("np.delete(b, 3, axis=1)"))
                """)
            let lines = printed.split(separator: "\n")
            let dataset = try DatasetLoader.load(inputs: path, labelColumn: "y")
            #expect(dataset.features.shape == [40, 6])
            #expect(dataset.features.values == NumpyFiles.floats(fromBits: String(lines[1])))
            #expect(dataset.labels == lines[0].split(separator: " ").map { Int($0)! })
        }

        @Test func errorsNameLineAndColumn() throws {
            #expect(try failure("a,b\n1,2\n3,  oops\n") == "data.csv:3:5: 'oops' is not a number")
            #expect(try failure("1,2\n3,4\n5,6\n7,8\n9,10\n11,12\n13,14\n15,16\n17,18\n19,20\n21,22\n1,2,3,4,abc\n")
                == "data.csv:12: 5 fields, but the first row has 2")
            #expect(try failure("1,2,3,4,5\n1,2,3,4,abc\n") == "data.csv:2:9: 'abc' is not a number")
            #expect(try failure("a,b\n1,2\n3\n") == "data.csv:3: 1 fields, but the header has 2")
            #expect(try failure("a,b\n1,2\n\n3,4\n") == "data.csv:3: 1 fields, but the header has 2")
            #expect(try failure("a,b,y\n1,2,0\n1,nan,1\n", labelColumn: "y") == "data.csv:3:3: row 1 holds NaN")
            #expect(try failure("a,b\n1,-inf\n") == "data.csv:2:3: row 0 holds an infinite value")
            #expect(try failure("a,b,y\n1,2,0.5\n", labelColumn: "y") == "data.csv:2:5: label '0.5' is not a non-negative integer")
            #expect(try failure("a,b,y\n1,2,-1\n", labelColumn: "2") == "data.csv:2:5: label '-1' is not a non-negative integer")
            #expect(try failure("a,b\n1,2\n", labelColumn: "y") == "data.csv: no label column 'y': the header has a, b")
            #expect(try failure("1,2\n", labelColumn: "2") == "data.csv: no label column '2' (the file has no header; give a 0-based index below 2)")
            #expect(try failure("y\n1\n", labelColumn: "y") == "data.csv: no feature columns besides the label")
            #expect(try failure("a,b\n") == "data.csv: the CSV file has a header but no rows")
            #expect(try failure("\n \n") == "data.csv: the CSV file has no rows")
        }

        /// Label files in text: one per line, a header allowed; several columns are refused.
        @Test func labelTextFiles() throws {
            let labels = directory.path("labels.txt")
            try "label\r\n3\r\n0\r\n12\r\n".write(toFile: labels, atomically: true, encoding: .utf8)
            #expect(try DatasetLoader.loadIntegers(path: labels) == [3, 0, 12])
            try "4\n1\n".write(toFile: labels, atomically: true, encoding: .utf8)
            #expect(try DatasetLoader.load(inputs: try write("1,2\n3,4\n"), labels: labels).labels == [4, 1])
            try "4,1\n1,1\n".write(toFile: labels, atomically: true, encoding: .utf8)
            #expect(DatasetsTests.failure { _ = try DatasetLoader.loadIntegers(path: labels) } == "\(labels): labels must be one per line, found 2 columns")
            try "4\nx\n".write(toFile: labels, atomically: true, encoding: .utf8)
            #expect(DatasetsTests.failure { _ = try DatasetLoader.loadIntegers(path: labels) } == "\(labels):2:1: label 'x' is not a non-negative integer")
        }

        private func write(_ text: String) throws -> String {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
    }
}
