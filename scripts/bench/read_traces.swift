// The trace-reading harness of scripts/bench-read: built by that script as an extra executable
// of a copy of the package (this build's and the baseline's alike), never part of the package.
// Reads the traces of a store through `ProvenanceStore.forEachTrace` and prints one line:
// "traces seconds traces/s cpu-seconds checksum peak-rss-kib" (seconds of wall clock and of this
// process's CPU time, user and system, while reading: on a busy machine the CPU time is the
// steadier measure). The checksum (over every value's bit pattern,
// the input hash and the labels) shows both builds read the same traces.
// usage: read-traces STORE [TAG|-] [LIMIT]
import Foundation
import IPG
import Store

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    FileHandle.standardError.write(Data("usage: read-traces STORE [TAG|-] [LIMIT]\n".utf8))
    exit(2)
}
let tag = arguments.count > 2 && arguments[2] != "-" ? arguments[2] : nil
let limit = arguments.count > 3 ? Int(arguments[3]) ?? Int.max : Int.max

func cpuSeconds() -> Double {
    var usage = rusage()
    #if os(Linux)
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    #else
    getrusage(RUSAGE_SELF, &usage)
    #endif
    let seconds = { (time: timeval) in Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

func peakResidentKiB() -> Int {
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") } ?? ""
    return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
}

do {
    let store = try ProvenanceStore(path: arguments[1], access: .readOnly)
    var count = 0
    var checksum: UInt64 = 0
    let start = Date(), cpuStart = cpuSeconds()
    try store.forEachTrace(TraceSelection(tag: tag)) { _, trace in
        var hash: UInt64 = 1469598103934665603
        for layer in trace.layerValues {
            for value in layer { hash = (hash ^ UInt64(value.bitPattern)) &* 1099511628211 }
        }
        for byte in trace.metadata.inputHash.utf8 { hash = (hash ^ UInt64(byte)) &* 1099511628211 }
        hash = (hash ^ UInt64(bitPattern: Int64(trace.metadata.predictedLabel))) &* 1099511628211
        checksum &+= hash
        count += 1
        return count < limit
    }
    let seconds = Date().timeIntervalSince(start), cpu = cpuSeconds() - cpuStart
    print(count, String(format: "%.3f", seconds), Int(Double(count) / seconds), String(format: "%.3f", cpu), String(checksum, radix: 16), peakResidentKiB())
} catch {
    FileHandle.standardError.write(Data("read-traces: \(error)\n".utf8))
    exit(1)
}
