import ArgumentParser
import IPG

/// `--threshold relu=1e-5`: the activity threshold for one activation function.
struct ThresholdOption {
    var function: ActivationFunction
    var value: Float

    /// Parses `FUNCTION=VALUE`, saying what is wrong with a bad one; declare the option with
    /// `transform: ThresholdOption.init(parsing:)` so ArgumentParser prints the reason.
    init(parsing argument: String) throws {
        let parts = argument.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2 else { throw ValidationError("expected FUNCTION=VALUE, e.g. relu=1e-5") }
        guard let function = ActivationFunction(rawValue: parts[0]) else {
            let names = ActivationFunction.allCases.map(\.rawValue).joined(separator: ", ")
            throw ValidationError("'\(parts[0])' is not an activation function (\(names))")
        }
        guard let value = Float(parts[1]) else { throw ValidationError("the threshold '\(parts[1])' is not a number") }
        guard value.isFinite else { throw ValidationError("the threshold must be a finite number") }
        guard value >= 0 else { throw ValidationError("the threshold must not be negative") }
        self.function = function
        self.value = value
    }

}

extension Array where Element == ThresholdOption {
    var thresholds: ActivationThresholds {
        var thresholds = ActivationThresholds()
        for option in self { thresholds[option.function] = option.value }
        return thresholds
    }
}

/// `--attribute key=value`.
struct KeyValueOption {
    var pair: KeyValue

    /// Parses `KEY=VALUE`, saying what is wrong with a bad one; declare the option with
    /// `transform: KeyValueOption.init(parsing:)` so ArgumentParser prints the reason.
    init(parsing argument: String) throws {
        guard let separator = argument.firstIndex(of: "=") else { throw ValidationError("expected KEY=VALUE") }
        guard separator != argument.startIndex else { throw ValidationError("the key before '=' is empty") }
        pair = KeyValue(String(argument[..<separator]), String(argument[argument.index(after: separator)...]))
    }
}
