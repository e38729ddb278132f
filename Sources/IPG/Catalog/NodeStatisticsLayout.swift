/// The order of the numbers a store's statistics functions give per node — what the store
/// writes and a query's lowering reads back by position, named in one place.
public enum NodeStatisticsLayout {
    /// One set's statistics of a node, in array order.
    public enum Field: Int, CaseIterable, Sendable {
        case count, mean, m2, activeCount, minimum, maximum
    }

    /// The parts of a paired statistics array: the traces, their parents, the differences.
    public enum PairPart: Int, CaseIterable, Sendable {
        case first, second, difference
    }

    /// Numbers per node of one set.
    public static let width = Field.allCases.count

    /// The position of `field` of `part` in a paired array.
    public static func pairIndex(_ part: PairPart, _ field: Field) -> Int {
        part.rawValue * width + field.rawValue
    }

    /// The position of the mean |first − second| in a paired array, after the three parts.
    public static let pairAbsoluteMeanIndex = PairPart.allCases.count * width

    /// Numbers per node of a paired array.
    public static let pairWidth = pairAbsoluteMeanIndex + 1
}
