/// The lines of a data file in order, without their CR LF or LF, after any UTF-8 byte-order
/// mark; a last line without a newline counts.
final class LineReader {
    private let file: DataFile
    private var buffer: [UInt8] = []
    private var start = 0
    /// Where to look for the next newline (`buffer[start..<searched]` holds none).
    private var searched = 0
    private var ended = false
    private var atFileStart = true

    init(_ file: DataFile) {
        self.file = file
    }

    /// The next line, or nil after the last.
    func next() throws -> [UInt8]? {
        if atFileStart {
            atFileStart = false
            if try file.peek(3) == [0xEF, 0xBB, 0xBF] { _ = try file.read(3) }
        }
        while true {
            if let newline = buffer[searched...].firstIndex(of: 0x0A) {
                defer { start = newline + 1; searched = start }
                return line(start..<newline)
            }
            searched = buffer.count
            if ended {
                guard start < buffer.count else { return nil }
                defer { start = buffer.count }
                return line(start..<buffer.count)
            }
            if let chunk = try file.nextChunk() {
                buffer.removeFirst(start)
                searched -= start
                start = 0
                buffer += chunk
            } else {
                ended = true
            }
        }
    }

    /// The bytes of `range` without a CR just before its end.
    private func line(_ range: Range<Int>) -> [UInt8] {
        let end = range.upperBound > range.lowerBound && buffer[range.upperBound - 1] == 0x0D ? range.upperBound - 1 : range.upperBound
        return Array(buffer[range.lowerBound..<end])
    }
}
