import Engine

/// A separable problem for training and attack tests: two Gaussian blobs in 4-D (labels 0 and
/// 1, alternating), seeded.
public enum GaussianBlobs {
    /// `count` inputs `[count, 4]` and their labels.
    public static func make(count: Int, seed: UInt64) -> (Tensor, [Int]) {
        var generator = SeededGenerator(seed: seed)
        var values: [Float] = [], labels: [Int] = []
        for index in 0..<count {
            let label = index % 2
            let center: [Float] = label == 0 ? [1, 1, -1, 0] : [-1, -1, 1, 0.5]
            values += center.map { $0 + 0.6 * generator.nextGaussian() }
            labels.append(label)
        }
        return (Tensor(shape: [count, 4], values: values), labels)
    }
}
