import Foundation

/// The benign target of DEEPPROV.md §3 for one node: the mean when the node's min-max
/// normalised values barely spread (standard deviation below 0.05), otherwise the mode of
/// their kernel density estimate (Gaussian, bandwidth 0.1 on the normalised scale), the peak
/// of the region where the density is above half its maximum. Deterministic: the density is
/// evaluated on a fixed grid from a fixed histogram of the values.
enum BenignMode {
    static let spreadThreshold = 0.05
    static let bandwidth = 0.1
    static let bins = 256
    static let gridPoints = 201

    /// The target for `values` (any order); nil for no values.
    static func target(_ values: [Float]) -> Float? {
        guard let low = values.min(), let high = values.max() else { return nil }
        let count = Double(values.count)
        let mean = values.reduce(0.0) { $0 + Double($1) } / count
        let range = Double(high) - Double(low)
        guard range > 0 else { return Float(mean) }
        let normalized = values.map { (Double($0) - Double(low)) / range }
        let normalizedMean = normalized.reduce(0, +) / count
        let spread = (normalized.reduce(0) { $0 + ($1 - normalizedMean) * ($1 - normalizedMean) } / count).squareRoot()
        guard spread >= spreadThreshold else { return Float(mean) }
        var histogram = [Double](repeating: 0, count: bins)
        for value in normalized { histogram[min(bins - 1, Int(value * Double(bins)))] += 1 }
        var best = (position: 0.0, density: -1.0)
        for step in 0..<gridPoints {
            let position = Double(step) / Double(gridPoints - 1)
            var density = 0.0
            for (bin, weight) in histogram.enumerated() where weight > 0 {
                let distance = (position - (Double(bin) + 0.5) / Double(bins)) / bandwidth
                density += weight * exp(-0.5 * distance * distance)
            }
            if density > best.density { best = (position, density) }
        }
        return Float(Double(low) + best.position * range)
    }
}
