import Engine

extension DataOptions {
    /// Opens the inputs (and labels) to be read a batch at a time, normalised, limited to `--limit`.
    func open() throws -> DatasetStream {
        try DatasetLoader.open(
            inputs: inputs, labels: labels, labelColumn: labelColumn,
            normalization: Normalization(scale: scale, shift: shift), limit: limit)
    }
}
