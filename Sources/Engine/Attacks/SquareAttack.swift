import Foundation

/// The L∞ square attack (Andriushchenko, Croce, Flammarion & Hein, 2020): start from vertical
/// stripes of ±ε, then repeatedly set a random square window of every channel to ±ε (a random
/// sign per channel) and keep the change when it lowers the margin (log-probability of the true
/// class minus the best other). Samples stop as soon as they are misclassified. Queries only.
struct SquareAttack {
    let model: ModelAccess
    let options: AttackOptions

    func attack(_ clean: Tensor, labels: [Int], generator: inout SeededGenerator) throws -> Tensor {
        let geometry = ImageGeometry(sampleShape: Array(clean.shape.dropFirst()))
        let perSample = geometry.size
        var current = clean
        // Vertical stripes: one random sign per channel and column.
        for sample in 0..<labels.count {
            for channel in 0..<geometry.channels {
                for column in 0..<geometry.width {
                    let sign: Float = Bool.random(using: &generator) ? 1 : -1
                    for row in 0..<geometry.height {
                        let index = sample * perSample + geometry.index(channel, row, column)
                        current.values[index] = options.project(clean.values[index] + sign * options.epsilon, around: clean.values[index])
                    }
                }
            }
        }
        var margins = try margin(current, labels: labels)
        for iteration in 0..<options.iterations {
            let active = margins.indices.filter { margins[$0] > 0 }
            guard !active.isEmpty else { break }
            let side = squareSide(iteration: iteration, geometry: geometry)
            var candidate = current.gatherSamples(active)
            for (position, sample) in active.enumerated() {
                let top = Int.random(in: 0...(geometry.height - side), using: &generator)
                let left = Int.random(in: 0...(geometry.width - side), using: &generator)
                for channel in 0..<geometry.channels {
                    let sign: Float = Bool.random(using: &generator) ? 1 : -1
                    for row in top..<(top + side) {
                        for column in left..<(left + side) {
                            let offset = geometry.index(channel, row, column)
                            let cleanValue = clean.values[sample * perSample + offset]
                            candidate.values[position * perSample + offset] = options.project(cleanValue + sign * options.epsilon, around: cleanValue)
                        }
                    }
                }
            }
            let candidateMargins = try margin(candidate, labels: active.map { labels[$0] })
            for (position, sample) in active.enumerated() where candidateMargins[position] < margins[sample] {
                margins[sample] = candidateMargins[position]
                let target = sample * perSample, source = position * perSample
                current.values.replaceSubrange(target..<(target + perSample), with: candidate.values[source..<(source + perSample)])
            }
        }
        return current
    }

    /// log p(true) − max log p(other): positive while the sample is still classified correctly.
    private func margin(_ batch: Tensor, labels: [Int]) throws -> [Float] {
        let probabilities = try model.predict(batch).probabilities
        return zip(probabilities, labels).map { row, label in
            let others = row.indices.filter { $0 != label }.map { row[$0] }.max() ?? 0
            return log(max(row[label], 1e-30)) - log(max(others, 1e-30))
        }
    }

    /// The paper's schedule for the fraction p of pixels changed (p₀ = 0.05, halved at
    /// fixed points of a 10,000-query run, rescaled to this run's length).
    private func squareSide(iteration: Int, geometry: ImageGeometry) -> Int {
        let scaled = iteration * 10_000 / max(options.iterations, 1)
        let halvings = [10, 50, 200, 500, 1000, 2000, 4000, 6000, 8000].filter { scaled > $0 }.count
        let fraction = 0.05 / pow(2, Double(halvings))
        let side = Int((fraction * Double(geometry.height * geometry.width)).squareRoot().rounded())
        return min(max(side, 1), min(geometry.height, geometry.width))
    }
}

/// A sample's layout as channels × height × width (1-D data has height 1, a flat vector one
/// channel).
struct ImageGeometry {
    let channels: Int, height: Int, width: Int

    init(sampleShape: [Int]) {
        switch sampleShape.count {
        case 0: (channels, height, width) = (1, 1, 1)
        case 1: (channels, height, width) = (1, 1, sampleShape[0])
        case 2: (channels, height, width) = (1, sampleShape[0], sampleShape[1])
        default:
            (channels, height, width) = (sampleShape.dropLast(2).reduce(1, *), sampleShape[sampleShape.count - 2], sampleShape[sampleShape.count - 1])
        }
    }

    var size: Int { channels * height * width }

    func index(_ channel: Int, _ row: Int, _ column: Int) -> Int {
        (channel * height + row) * width + column
    }
}
