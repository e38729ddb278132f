import ArgumentParser
import Foundation

/// `--layers 1,2`: comma-separated IPG layer numbers (`characterize`, `repair`). A command keeps
/// the option's text and reads it with `parse`, which names the part that is not a layer.
enum LayerListOption {
    /// The layers `text` names, in its order; nil when the option was not given.
    static func parse(_ text: String?) throws -> [Int]? {
        guard let text else { return nil }
        return try text.split(separator: ",", omittingEmptySubsequences: false).map { part in
            guard let layer = Int(part.trimmingCharacters(in: .whitespaces)), layer >= 0 else {
                throw ValidationError("--layers: '\(part)' is not a layer number (expected e.g. 1,2)")
            }
            return layer
        }
    }
}
