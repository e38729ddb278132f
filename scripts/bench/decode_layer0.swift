// The layer-0 decoding harness of scripts/bench-decode: built by that script as an extra
// executable of a copy of the package (this build's and the baseline's alike), never part of the
// package. Makes store blocks of 256 traces from the first COUNT Fashion-MNIST test images after
// the demo's scaling (pixel · 2/255 − 1) — clean, and FGSM-like (±0.1 by a random sign, clipped
// to [−1, 1], as `deepprov attack --attack fgsm --eps 0.1` moves each pixel) — in the layout the
// writer chooses, decodes every block RUNS times and prints one line per kind:
// "kind layout bytes-per-trace images-per-cpu-second checksum" (the best run by this process's CPU
// time; the checksum, over every decoded value's bit pattern, must agree between builds).
// usage: decode-layer0 IMAGES[.gz] [COUNT] [RUNS]
import Foundation
import IPG

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    FileHandle.standardError.write(Data("usage: decode-layer0 IMAGES[.gz] [COUNT] [RUNS]\n".utf8))
    exit(2)
}
let count = arguments.count > 2 ? Int(arguments[2]) ?? 10_000 : 10_000
let runs = arguments.count > 3 ? Int(arguments[3]) ?? 3 : 3

func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    let seconds = { (time: timeval) in Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

/// The idx3 file's pixels, gunzipped by `gzip` when its name ends in .gz.
func pixels(_ path: String) throws -> [UInt8] {
    guard path.hasSuffix(".gz") else { return Array(try Data(contentsOf: URL(fileURLWithPath: path)).dropFirst(16)) }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["gzip", "-dc", path]
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let bytes = [UInt8](output.fileHandleForReading.readDataToEndOfFile())
    process.waitUntilExit()
    return Array(bytes.dropFirst(16))
}

do {
    let all = try pixels(arguments[1])
    let images = min(count, all.count / 784)
    let scale: Float = 0.00784313725, shift: Float = -1, epsilon: Float = 0.1
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    func randomSign() -> Float {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return state >> 63 == 0 ? -1 : 1
    }
    let clean = (0..<images).map { image in (0..<784).map { Float(all[image * 784 + $0]) * scale + shift } }
    let fgsm = clean.map { $0.map { min(max($0 + epsilon * randomSign(), -1), 1) } }
    let codec = LayerBlockCodec()
    for (kind, rows) in [("clean", clean), ("fgsm-like", fgsm)] {
        let blocks = try stride(from: 0, to: rows.count, by: 256).map { try codec.encode(Array(rows[$0..<min($0 + 256, rows.count)]), encoding: .float32) }
        let bytes = blocks.reduce(0) { $0 + $1.bytes.count }
        let layouts = Set(blocks.map { "\($0.layout)" }).sorted().joined(separator: "+")
        var best = Double.infinity, checksum: UInt64 = 0
        for _ in 0..<runs {
            checksum = 0
            let start = cpuSeconds()
            for block in blocks {
                for value in try codec.decode(block.bytes).values { checksum = (checksum ^ UInt64(value.bitPattern)) &* 1099511628211 }
            }
            best = min(best, cpuSeconds() - start)
        }
        print(kind, layouts, String(format: "%.1f", Double(bytes) / Double(rows.count)), Int(Double(rows.count) / best), String(checksum, radix: 16))
    }
} catch {
    FileHandle.standardError.write(Data("decode-layer0: \(error)\n".utf8))
    exit(1)
}
