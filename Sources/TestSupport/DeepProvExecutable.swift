import Foundation

/// The `deepprov` executable built beside the test bundle, for tests that need a separate
/// process (to kill it, or to pipe through it).
public enum DeepProvExecutable {
    public static var url: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("deepprov")
    }
}
