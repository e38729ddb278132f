import Foundation

/// Measures of one layer's node values (and distances between two traces' values of a layer):
/// what the store's trace functions compute for queries and what forensics computes directly.
public enum LayerMeasures {
    public static func l1(_ values: [Double]) -> Double { values.reduce(0) { $0 + abs($1) } }

    public static func entropy(_ values: [Double]) -> Double {
        let total = l1(values)
        guard total > 0 else { return 0 }
        return values.reduce(0) { sum, value in
            let share = abs(value) / total
            return share > 0 ? sum - share * log2(share) : sum
        }
    }

    /// The softmax of `values` at `index`; nil outside the layer.
    public static func probability(_ values: [Double], of index: Int) -> Double? {
        guard values.indices.contains(index), let peak = values.max() else { return nil }
        let total = values.reduce(0) { $0 + exp($1 - peak) }
        return exp(values[index] - peak) / total
    }

    /// The largest value minus the value at `index`, or minus the second largest when nil.
    public static func margin(_ values: [Double], versus index: Int?) -> Double? {
        guard let top = values.indices.max(by: { values[$0] < values[$1] }) else { return nil }
        if let index {
            return values.indices.contains(index) ? values[top] - values[index] : nil
        }
        let rest = values.indices.filter { $0 != top }.map { values[$0] }
        return rest.max().map { values[top] - $0 }
    }

    public static func euclideanDistance(_ a: [Double], _ b: [Double]) -> Double {
        zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
    }

    /// 1 − cos(a, b); nil when either is all zeros.
    public static func cosineDistance(_ a: [Double], _ b: [Double]) -> Double? {
        let dot = zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
        let norms = (a.reduce(0) { $0 + $1 * $1 } * b.reduce(0) { $0 + $1 * $1 }).squareRoot()
        return norms > 0 ? 1 - dot / norms : nil
    }
}
