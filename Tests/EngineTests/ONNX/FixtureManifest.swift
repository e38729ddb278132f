import Foundation
import TestSupport

/// `Tests/Fixtures/onnx/<name>/manifest.json`, written by scripts/fixtures/make_fixtures.py.
struct FixtureManifest: Decodable {
    struct Input: Decodable { let name: String; let file: String }
    struct Value: Decodable { let name: String; let file: String; let shape: [Int] }

    let opset: Int?
    let input: Input?
    let values: [Value]?
    /// For models DeepProv must reject: a substring of the expected error.
    let expectError: String?

    enum CodingKeys: String, CodingKey {
        case opset, input, values
        case expectError = "expect_error"
    }

    static func load(_ fixture: String) throws -> FixtureManifest {
        let data = try Data(contentsOf: FixturePaths.onnxFixture(fixture).appendingPathComponent("manifest.json"))
        return try JSONDecoder().decode(FixtureManifest.self, from: data)
    }

    /// Every fixture folder's name.
    static var all: [String] {
        let root = FixturePaths.repositoryRoot.appendingPathComponent("Tests/Fixtures/onnx")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return names.filter { FileManager.default.fileExists(atPath: root.appendingPathComponent("\($0)/manifest.json").path) }.sorted()
    }
}

/// np.allclose-style comparison: |a − b| ≤ 1e-4·|b| + 1e-5·max(1, ‖b‖∞).
func closeToReference(_ actual: [Float], _ expected: [Float]) -> (Bool, String) {
    guard actual.count == expected.count else { return (false, "\(actual.count) values, expected \(expected.count)") }
    let scale = max(1, expected.map(abs).max() ?? 0)
    for index in expected.indices {
        let difference = abs(actual[index] - expected[index])
        if !(difference <= 1e-4 * abs(expected[index]) + 1e-5 * scale) {
            return (false, "element \(index): \(actual[index]) vs onnxruntime \(expected[index])")
        }
    }
    return (true, "")
}
