import Engine
import Foundation
import Testing
import TestSupport

/// A trace's input hash is sha256 of the input's float32 values in little-endian byte order,
/// checked against `sha256sum` of bytes the test lays out itself (bit pattern, low byte first).
@Suite struct InputHashTests {
    @Test func hashIsSHA256OfLittleEndianFloat32() throws {
        let values: [Float] = [1, -2.5, 0, .pi, -0.0, 3e-39, 65504, 1e30]
        let bytes = values.flatMap { value -> [UInt8] in
            let bits = value.bitPattern
            return [UInt8(bits & 0xFF), UInt8((bits >> 8) & 0xFF), UInt8((bits >> 16) & 0xFF), UInt8(bits >> 24)]
        }
        let directory = try TemporaryDirectory()
        let path = directory.path("input.bin")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sha256sum", path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let expected = try #require(text.split(separator: " ").first.map(String.init))
        #expect(ProvenanceCapture.hash(values[...]) == expected)
        #expect(ProvenanceCapture.hash(([7] + values)[1...]) == expected, "a slice hashes its own values only")
    }
}
