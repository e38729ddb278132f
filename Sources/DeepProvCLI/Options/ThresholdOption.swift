import ArgumentParser
import IPG

/// `--threshold relu=1e-5`: the activity threshold for one activation function.
struct ThresholdOption: ExpressibleByArgument {
    var function: ActivationFunction
    var value: Float

    init?(argument: String) {
        let parts = argument.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2, let function = ActivationFunction(rawValue: parts[0]),
              let value = Float(parts[1]), value.isFinite, value >= 0 else { return nil }
        self.function = function
        self.value = value
    }

    static var defaultCompletionKind: CompletionKind { .list(ActivationFunction.allCases.map { "\($0.rawValue)=" }) }
}

extension Array where Element == ThresholdOption {
    var thresholds: ActivationThresholds {
        var thresholds = ActivationThresholds()
        for option in self { thresholds[option.function] = option.value }
        return thresholds
    }
}

/// `--attribute key=value`.
struct KeyValueOption: ExpressibleByArgument {
    var pair: KeyValue

    init?(argument: String) {
        guard let separator = argument.firstIndex(of: "="), separator != argument.startIndex else { return nil }
        pair = KeyValue(String(argument[..<separator]), String(argument[argument.index(after: separator)...]))
    }
}
