import Engine

/// Which weight entries of a dense layer edge repair may change: the edges whose mean
/// contribution (source activation × weight) moves most between the mining part's clean and
/// adversarial inputs, within a budget of entries.
///
/// The same measure as the language's `edges into layer N | summarize mean by edge | versus …`,
/// computed from the mining part's cached activations because the language cannot name the
/// mining subset of inputs (see `LayerStatistics`). The mean contribution of edge i→j over a
/// set is W[i, j] · mean(a_i), so its clean/adversarial difference is W[i, j] · Δmean(a_i).
struct EdgeSelection {
    /// Per weight entry (row-major in the weight's own layout), |W · Δmean of its source|.
    let shift: [Double]

    /// `clean` and `adversarial` are the layer's inputs ([N, sources]); `weight` is
    /// [sources, targets] (MatMul, Gemm) or [targets, sources] when `transposed` (Gemm transB).
    init(clean: Tensor, adversarial: Tensor, weight: Tensor, transposed: Bool) throws {
        guard weight.shape.count == 2 else { throw RepairError("edge repair needs a weight matrix; got shape \(weight.shape)") }
        let sources = transposed ? weight.shape[1] : weight.shape[0], targets = transposed ? weight.shape[0] : weight.shape[1]
        for (part, tensor) in [("clean", clean), ("adversarial", adversarial)] {
            let width = tensor.shape.dropFirst().reduce(1, *)
            guard width == sources else {
                throw RepairError("edge repair: the \(part) inputs of the layer have \(width) values; its weight \(weight.shape) expects \(sources)")
            }
        }
        func means(_ tensor: Tensor) -> [Double] {
            let rows = tensor.shape[0]
            var sum = [Double](repeating: 0, count: sources)
            for row in 0..<rows {
                for source in 0..<sources { sum[source] += Double(tensor.values[row * sources + source]) }
            }
            return sum.map { $0 / Double(max(rows, 1)) }
        }
        let cleanMeans = means(clean), adversarialMeans = means(adversarial)
        shift = weight.values.indices.map { index in
            let source = transposed ? index % sources : index / targets
            return abs(Double(weight.values[index]) * (adversarialMeans[source] - cleanMeans[source]))
        }
    }

    /// Flags for the `budget` entries with the largest shift (ties by position); entries
    /// whose mean contribution does not move are never chosen.
    func mostShifted(budget: Int) -> [Bool] {
        let chosen = shift.indices.filter { shift[$0] > 0 }
            .sorted { shift[$0] != shift[$1] ? shift[$0] > shift[$1] : $0 < $1 }
            .prefix(max(budget, 0))
        var flags = [Bool](repeating: false, count: shift.count)
        for index in chosen { flags[index] = true }
        return flags
    }

    /// Per selection, flags for the `budget` entries with the largest shift over all of
    /// them together (ties by selection, then position); entries that do not move are never chosen.
    static func mostShifted(_ selections: [EdgeSelection], budget: Int) -> [[Bool]] {
        let entries = selections.indices.flatMap { layer in
            selections[layer].shift.indices.lazy.filter { selections[layer].shift[$0] > 0 }.map { (layer: layer, index: $0, shift: selections[layer].shift[$0]) }
        }
        let chosen = entries.sorted {
            $0.shift != $1.shift ? $0.shift > $1.shift : ($0.layer, $0.index) < ($1.layer, $1.index)
        }.prefix(max(budget, 0))
        var flags = selections.map { [Bool](repeating: false, count: $0.shift.count) }
        for entry in chosen { flags[entry.layer][entry.index] = true }
        return flags
    }

    /// How many entries `--max-weight-change percent` allows out of `total` weight-matrix
    /// entries (rounded down, so the budget is never exceeded).
    static func budget(percent: Double, of total: Int) -> Int {
        Int((percent / 100 * Double(total)).rounded(.down))
    }
}
