// The trace-reading harness of scripts/bench-read: built by that script as an extra executable
// of a copy of the package (this build's and the baseline's alike), never part of the package.
// Reads the traces of a store through `ProvenanceStore.forEachTrace` and prints one line:
// "traces seconds traces/s cpu-seconds checksum peak-rss-kib" (seconds of wall clock and of this
// process's CPU time, user and system, while reading: on a busy machine the CPU time is the
// steadier measure). The checksum (over every value's bit pattern,
// the input hash and the labels) shows both builds read the same traces.
// With --lookups N it instead reads N traces one at a time, as `deepprov forensics` and `export`
// do (`ProvenanceStore.trace(tag:inputIndex:)`), at (tag, input index) addresses drawn at random
// (a fixed seed: every build looks up the same traces), and prints the same line for them.
// usage: read-traces STORE [TAG|-] [LIMIT]
//        read-traces STORE --lookups N
import Foundation
import IPG
import Store

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    FileHandle.standardError.write(Data("usage: read-traces STORE [TAG|-] [LIMIT]\n".utf8))
    exit(2)
}
let lookups = arguments.count > 3 && arguments[2] == "--lookups" ? Int(arguments[3]) : nil
let tag = arguments.count > 2 && arguments[2] != "-" && lookups == nil ? arguments[2] : nil
let limit = arguments.count > 3 && lookups == nil ? Int(arguments[3]) ?? Int.max : Int.max

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

/// FNV-1a over the trace's values, input hash and predicted label.
func digest(_ trace: Trace) -> UInt64 {
    var hash: UInt64 = 1469598103934665603
    for layer in trace.layerValues {
        for value in layer { hash = (hash ^ UInt64(value.bitPattern)) &* 1099511628211 }
    }
    for byte in trace.metadata.inputHash.utf8 { hash = (hash ^ UInt64(byte)) &* 1099511628211 }
    return (hash ^ UInt64(bitPattern: Int64(trace.metadata.predictedLabel))) &* 1099511628211
}

/// `count` (tag, input index) addresses of the store's traces drawn at random, the same for
/// every build (a fixed linear congruential generator over the addresses in id order).
func randomAddresses(_ store: ProvenanceStore, count: Int) throws -> [(tag: String, inputIndex: Int)] {
    let rows = try store.run(sql: "SELECT tag, input_index FROM traces ORDER BY id", arguments: []).rows
    guard !rows.isEmpty else { return [] }
    var state: UInt64 = 2024
    return (0..<count).map { _ in
        state = state &* 6364136223846793005 &+ 1442695040888963407
        let row = rows[Int((state >> 33) % UInt64(rows.count))]
        guard case .text(let tag) = row[0], case .integer(let index) = row[1] else { fatalError("read-traces: a trace without tag or input index") }
        return (tag, Int(index))
    }
}

do {
    let store = try ProvenanceStore(path: arguments[1], access: .readOnly)
    var count = 0
    var checksum: UInt64 = 0
    let addresses = try lookups.map { try randomAddresses(store, count: $0) }
    let start = Date(), cpuStart = cpuSeconds()
    if let addresses {
        for address in addresses {
            checksum &+= digest(try store.trace(tag: address.tag, inputIndex: address.inputIndex).trace)
            count += 1
        }
    } else {
        try store.forEachTrace(TraceSelection(tag: tag)) { _, trace in
            checksum &+= digest(trace)
            count += 1
            return count < limit
        }
    }
    let seconds = Date().timeIntervalSince(start), cpu = cpuSeconds() - cpuStart
    print(count, String(format: "%.3f", seconds), Int(Double(count) / seconds), String(format: "%.3f", cpu), String(checksum, radix: 16), peakResidentKiB())
} catch {
    FileHandle.standardError.write(Data("read-traces: \(error)\n".utf8))
    exit(1)
}
