import Foundation

/// Locations of the repository's committed test fixtures and scripts.
public enum FixturePaths {
    /// The repository root (found from this file's location).
    public static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `Tests/Fixtures/onnx/<name>`.
    public static func onnxFixture(_ name: String) -> URL {
        repositoryRoot.appendingPathComponent("Tests/Fixtures/onnx/\(name)")
    }

    /// A script under `scripts/`.
    public static func script(_ relativePath: String) -> URL {
        repositoryRoot.appendingPathComponent("scripts/\(relativePath)")
    }
}
