import ArgumentParser

/// `--clip-min` and `--clip-max`: the range of valid input values an attack keeps to (`attack`,
/// `evaluate --attack`); an end not given is the inputs' own.
struct ClipRangeOptions: ParsableArguments {
    @Option(name: .customLong("clip-min"), parsing: .unconditional, help: "Smallest valid input value (default: the smallest value in the inputs).")
    var min: Float?

    @Option(name: .customLong("clip-max"), parsing: .unconditional, help: "Largest valid input value (default: the largest value in the inputs).")
    var max: Float?

    /// Whether either end was given.
    var isGiven: Bool { min != nil || max != nil }

    /// The range, each end not given taken from `values` (0 and 1 when there are none).
    func range(of values: [Float]) -> (min: Float, max: Float) {
        (min ?? values.min() ?? 0, max ?? values.max() ?? 1)
    }
}
