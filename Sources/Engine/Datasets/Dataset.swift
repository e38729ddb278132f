/// Inputs loaded for a model: one sample per row of `features`, and their labels when known.
public struct Dataset: Sendable {
    /// `[N, …sample shape]`, float32, normalised.
    public var features: Tensor
    /// One true label per sample, when known.
    public var labels: [Int]?
    /// Where the data came from (file paths), for messages.
    public var source: String

    public init(features: Tensor, labels: [Int]?, source: String) {
        self.features = features
        self.labels = labels
        self.source = source
    }

    /// Number of samples.
    public var count: Int { features.shape.first ?? 0 }

    /// The first `n` samples (all of them when there are fewer), with their labels.
    public func prefix(_ n: Int) -> Dataset {
        let kept = max(0, min(n, count))
        return Dataset(features: features.batchSlice(0..<kept), labels: labels.map { Array($0.prefix(kept)) }, source: source)
    }
}
