import Crypto
import Foundation
import IPG

/// A loaded model: its graph and the fingerprint of the bytes it came from.
public struct Model: Sendable {
    public var graph: ModelGraph
    /// sha256 of the ONNX bytes, lowercase hex.
    public var fingerprint: String
    /// The file (or description) the model came from, for messages.
    public var source: String

    public init(graph: ModelGraph, fingerprint: String, source: String) {
        self.graph = graph
        self.fingerprint = fingerprint
        self.source = source
    }

    /// Loads an ONNX file.
    public static func load(path: String) throws -> Model {
        try load(onnx: readBytes(path: path), source: path)
    }

    /// The bytes of an ONNX file, for callers that keep them beside the loaded model.
    public static func readBytes(path: String) throws -> Data {
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw EngineError("\(path): cannot read the model: \(error.localizedDescription)")
        }
    }

    /// Loads ONNX bytes; `source` names them in error messages.
    public static func load(onnx bytes: Data, source: String) throws -> Model {
        let graph = try ONNXImporter.importGraph(from: bytes, source: source)
        return Model(graph: graph, fingerprint: sha256Hex(bytes), source: source)
    }

    /// Lowercase hex sha256 of `bytes`.
    public static func sha256Hex<Bytes: DataProtocol>(_ bytes: Bytes) -> String {
        Hex.string(SHA256.hash(data: bytes))
    }
}
