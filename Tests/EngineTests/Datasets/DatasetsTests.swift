import Engine
import Foundation
import Testing
import TestSupport

/// The dataset readers' tests (NPY, IDX, CSV, labels, files), grouped so `--filter Datasets`
/// selects them.
@Suite enum DatasetsTests {
    /// The message of the `EngineError` that `body` throws, or nil when it throws none.
    static func failure(_ body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch {
            return (error as? EngineError)?.message ?? "not an EngineError: \(error)"
        }
    }

    static func write(_ bytes: [UInt8], to path: String) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }
}
