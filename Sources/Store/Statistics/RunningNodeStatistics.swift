/// One node's statistics over the traces seen so far: count, active count, Welford's running
/// mean and sum of squared deviations (m2), min and max of the node value.
struct RunningNodeStatistics {
    var count = 0, activeCount = 0
    var mean = 0.0, m2 = 0.0
    var minimum = Double.infinity, maximum = -Double.infinity

    mutating func add(_ value: Double, active: Bool) {
        count += 1
        if active { activeCount += 1 }
        let delta = value - mean
        mean += delta / Double(count)
        m2 += delta * (value - mean)
        minimum = min(minimum, value)
        maximum = max(maximum, value)
    }

    /// Adds the values `other` summarises (Chan et al.'s parallel update).
    mutating func merge(_ other: RunningNodeStatistics) {
        guard other.count > 0 else { return }
        guard count > 0 else { return self = other }
        let total = Double(count + other.count), delta = other.mean - mean
        mean += delta * Double(other.count) / total
        m2 += other.m2 + delta * delta * Double(count) * Double(other.count) / total
        count += other.count
        activeCount += other.activeCount
        minimum = min(minimum, other.minimum)
        maximum = max(maximum, other.maximum)
    }
}
