import IPG

/// One node's (or edge's) statistics over pairs of traces a and b (an adversarial trace and its
/// clean parent, say): each side's, and the paired difference a − b's (which counts as active
/// when exactly one side is), plus the sum of |a − b|.
struct PairedRunningStatistics {
    var a = RunningNodeStatistics(), b = RunningNodeStatistics(), difference = RunningNodeStatistics()
    var absoluteDifferenceSum = 0.0

    mutating func add(_ valueA: Double, _ valueB: Double, activeA: Bool, activeB: Bool) {
        a.add(valueA, active: activeA)
        b.add(valueB, active: activeB)
        difference.add(valueA - valueB, active: activeA != activeB)
        absoluteDifferenceSum += abs(valueA - valueB)
    }

    /// The statistics of a, b and the difference in `NodeStatisticsLayout.PairPart` order, then
    /// the mean |a − b|, comma-separated, over `count` pairs.
    func fields(count: Int) -> String {
        NodeStatisticsLayout.PairPart.allCases.map { part -> String in
            switch part {
            case .first: return a.fields(count: count)
            case .second: return b.fields(count: count)
            case .difference: return difference.fields(count: count)
            }
        }.joined(separator: ",") + ",\(absoluteDifferenceSum / Double(count))"
    }
}
