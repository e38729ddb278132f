import Engine

/// A seeded split of the clean inputs into a mining part (where candidates are found and
/// ordered) and a validation part (where the search stops and variants are chosen). An
/// adversarial input goes wherever its clean parent went, so no validation input, clean or
/// adversarial, ever reaches mining.
public struct RepairSplit: Sendable, Codable, Equatable {
    public var seed: UInt64
    public var validationFraction: Double
    /// Clean input indices, ascending.
    public var mining: [Int]
    public var validation: [Int]

    /// Shuffles the distinct `cleanInputs` with `seed` and holds out `validationFraction` of
    /// them (at least one, and at least one left for mining).
    public init(cleanInputs: [Int], validationFraction: Double, seed: UInt64) throws {
        let distinct = Array(Set(cleanInputs)).sorted()
        guard distinct.count >= 2 else {
            throw RepairError("a repair needs at least 2 clean inputs to split into mining and validation parts, found \(distinct.count)")
        }
        var generator = SeededGenerator(seed: seed)
        let shuffled = distinct.shuffled(using: &generator)
        let held = min(max(1, Int((Double(distinct.count) * validationFraction).rounded())), distinct.count - 1)
        self.seed = seed
        self.validationFraction = validationFraction
        validation = shuffled.prefix(held).sorted()
        mining = shuffled.dropFirst(held).sorted()
    }
}
