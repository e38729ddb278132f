import Engine
import Foundation
import Testing
import TestSupport

/// CSV inputs: headers, label columns by name or index, and errors with line:column.
@Suite struct CSVReaderTests {
    private func load(_ text: String, labelColumn: String? = nil) throws -> (Dataset, String) {
        let directory = try TemporaryDirectory()
        let path = directory.path("data.csv")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return (try DatasetLoader.load(inputs: path, labelColumn: labelColumn), path)
    }

    private func failure(_ text: String, labelColumn: String? = nil) throws -> String {
        let directory = try TemporaryDirectory()
        let path = directory.path("data.csv")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        do {
            _ = try DatasetLoader.load(inputs: path, labelColumn: labelColumn)
            return "no error"
        } catch let error as EngineError {
            return error.message.replacingOccurrences(of: path, with: "data.csv")
        }
    }

    @Test func headerAndNamedLabelColumn() throws {
        let (dataset, _) = try load("x1, label ,x2\r\n0.5,2,-1\r\n\"3\",0,4e-1\r\n\r\n", labelColumn: "label")
        #expect(dataset.features.shape == [2, 2])
        #expect(dataset.features.values == [0.5, -1, 3, 0.4])
        #expect(dataset.labels == [2, 0])
    }

    @Test func noHeaderAndIndexedLabelColumn() throws {
        let (dataset, _) = try load("7,1,2\n8,3,4\n9,5,6\n", labelColumn: "0")
        #expect(dataset.features.values == [1, 2, 3, 4, 5, 6])
        #expect(dataset.labels == [7, 8, 9])
        let (unlabelled, _) = try load("1,2\n3,4\n")
        #expect(unlabelled.labels == nil)
        #expect(unlabelled.features.shape == [2, 2])
    }

    @Test func errorsNameLineAndColumn() throws {
        #expect(try failure("a,b\n1,2\n3,  oops\n") == "data.csv:3:5: 'oops' is not a number")
        #expect(try failure("a,b\n1,2\n3\n") == "data.csv:3: 1 fields, but the header has 2")
        #expect(try failure("a,b,y\n1,2,0\n1,nan,1\n", labelColumn: "y") == "data.csv:3:3: row 1 holds NaN")
        #expect(try failure("a,b,y\n1,2,0.5\n", labelColumn: "y") == "data.csv:2:5: label '0.5' is not a non-negative integer")
        #expect(try failure("a,b\n1,2\n", labelColumn: "y") == "data.csv: no label column 'y': the header has a, b")
    }
}
