/// The file formats samples and labels are read from, recognised by content (and by the
/// `.csv` / `.txt` extension for text).
enum DataFormat {
    case npy, idx, csv

    static let supported = "NPY (.npy), IDX as in MNIST (optionally gzipped), CSV or text with one row per line"

    /// Bytes from the start of a file that `detect` looks at.
    static let detectionLength = 4096

    /// The format of the file at `path` from its first bytes (already inflated if the file was
    /// gzipped; `detectionLength` of them, or all when the file is shorter).
    static func detect(_ bytes: [UInt8], path: String) throws -> DataFormat {
        guard !bytes.isEmpty else { throw EngineError("\(path): the file is empty") }
        if bytes.starts(with: NPYHeader.magic) { return .npy }
        if IDXReader.matches(bytes) { return .idx }
        let fileExtension = path.split(separator: "/").last?.split(separator: ".").dropFirst().last?.lowercased()
        if fileExtension == "csv" || fileExtension == "txt" || looksLikeText(bytes) { return .csv }
        if bytes.starts(with: Array("PK".utf8)) {
            throw EngineError("\(path): zip archives (such as .npz) are not supported; save one array with np.save. Supported: \(supported)")
        }
        throw EngineError("\(path): unknown data format; supported: \(supported)")
    }

    /// Whether the first few kilobytes hold no control characters other than tab, CR and LF.
    private static func looksLikeText(_ bytes: [UInt8]) -> Bool {
        bytes.prefix(detectionLength).allSatisfy { $0 >= 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
    }
}
