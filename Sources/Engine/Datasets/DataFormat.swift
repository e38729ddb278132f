/// The file formats inputs and labels are read from, recognised by content.
enum DataFormat {
    case npy, idx, csv

    /// NPY by its magic, IDX by its two leading zero bytes, CSV otherwise (text).
    static func detect(_ bytes: [UInt8], path: String) -> DataFormat {
        if bytes.starts(with: NPYHeader.magic) { return .npy }
        if bytes.count >= 4 && bytes[0] == 0 && bytes[1] == 0 { return .idx }
        return .csv
    }
}
