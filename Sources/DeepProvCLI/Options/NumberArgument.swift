import ArgumentParser

/// Parsers for numeric option values that say what is wrong with a bad one, for
/// `@Option(parsing: .unconditional, transform: NumberArgument.positiveInteger)`. The
/// `.unconditional` strategy lets a negative value reach the parser: without it ArgumentParser
/// takes `-1` for an option name and reports the value as missing. ArgumentParser prints a
/// refusal as "The value '-1' is invalid for '--limit <limit>': must be positive".
enum NumberArgument {
    /// A whole number above 0 (`--limit`, `--batch-size`).
    static func positiveInteger(_ text: String) throws -> Int {
        guard let value = Int(text) else { throw ValidationError("not a whole number") }
        guard value > 0 else { throw ValidationError("must be positive") }
        return value
    }

    /// A finite number of at least 0 (`--eps`).
    static func finiteNonNegative(_ text: String) throws -> Float {
        guard let value = Float(text) else { throw ValidationError("not a number") }
        guard value.isFinite else { throw ValidationError("must be a finite number") }
        guard value >= 0 else { throw ValidationError("must not be negative") }
        return value
    }

    /// A finite number above 0 (`--step`).
    static func finitePositive(_ text: String) throws -> Float {
        guard let value = Float(text) else { throw ValidationError("not a number") }
        guard value.isFinite else { throw ValidationError("must be a finite number") }
        guard value > 0 else { throw ValidationError("must be positive") }
        return value
    }
}
