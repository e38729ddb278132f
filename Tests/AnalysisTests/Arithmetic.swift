import Foundation

/// The arithmetic the tests recompute query answers with, independently of SQL.
func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(values.count) }

func sumOfSquares(_ values: [Double]) -> Double {
    let m = mean(values)
    return values.map { ($0 - m) * ($0 - m) }.reduce(0, +)
}

func populationDeviation(_ values: [Double]) -> Double { (sumOfSquares(values) / Double(values.count)).squareRoot() }

/// The Euclidean distance of two vectors.
func euclideanDistance(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot() }

/// Whether `a` equals `b` up to a relative `tolerance` (absolute below 1).
func isClose(_ a: Double, _ b: Double, _ tolerance: Double = 1e-9) -> Bool { abs(a - b) <= tolerance * max(1, abs(b)) }

/// The Shannon entropy in bits of |values| taken as a distribution (0 when all are 0).
func shannonEntropyBits(_ values: [Double]) -> Double {
    let total = values.map(abs).reduce(0, +)
    guard total > 0 else { return 0 }
    return values.map { abs($0) / total }.filter { $0 > 0 }.map { -$0 * log2($0) }.reduce(0, +)
}
