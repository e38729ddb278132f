import Engine
import Testing

/// Architectures whose weights or activations cannot fit in memory are refused when parsed,
/// naming the layer, before anything is allocated (weight counts worked out by hand: a dense
/// layer of n units after m inputs has n·m + n, a conv of c channels and k×k kernels after C
/// channels has c·C·k² + c).
@Suite struct ArchitectureSizeTests {
    @Test(arguments: [
        ("mlp:784,99999999999,10", "layer 1 ('99999999999') brings the model to 78499999999215 weights; at most 100000000 are supported"),
        ("mlp:10,9223372036854775807,2", "layer 1 ('9223372036854775807') brings the model to more than 9223372036854775807 weights"),
        ("mlp:8000,8000,8000,10", "layer 2 ('8000') brings the model to 128016000 weights; at most 100000000 are supported"),
        ("mlp:10000,10000", "layer 1 ('10000') brings the model to 100010000 weights"),
        ("mlp:99999999999,99999999999,10", "the input shape [99999999999] has more than 16777216 values"),
        ("cnn:1x4096x4096:conv8,10", "layer 1 ('conv8') outputs [8, 4096, 4096] per input, more than 16777216 values"),
        ("cnn:3x100000x100000:pool2,10", "the input shape [3, 100000, 100000] has more than 16777216 values"),
        ("cnn:1x28x28:conv8,dense64,conv8,10", "layer 3 ('conv8'): conv needs a channel map, but the layer before outputs [64]"),
        ("cnn:1x28x28:pool64,10", "layer 1 ('pool64'): pooling by 64 leaves nothing of a [1, 28, 28] map"),
    ])
    func refusedNamingTheLayer(text: String, problem: String) {
        let error = #expect(throws: EngineError.self) { try Architecture(parsing: text) }
        #expect(error?.message.hasPrefix("architecture '\(text)': \(problem)") == true, "\(error?.message ?? "no error")")
    }

    @Test func theLimitsThemselvesAreAccepted() throws {
        // 10000 · 9999 + 10000 = 100,000,000 weights; 1 · 4096 · 4096 = 16,777,216 input values.
        _ = try Architecture(parsing: "mlp:9999,10000")
        _ = try Architecture(parsing: "cnn:1x4096x4096:pool2,2")
    }
}
