import ArgumentParser
import Foundation
import IPG
import Store

/// `deepprov export`: one input's IPG as node-link JSON, GraphML or DOT.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write one input's Inference Provenance Graph as node-link JSON, GraphML or Graphviz DOT.")

    @Option(help: "The trace stream (.ipgz) to read; - for standard input.")
    var stream: String?

    @Option(help: "Or the store to read from (then --tag defaults to clean): an SQLite file, or clickhouse://HOST:PORT/DATABASE[?cluster=NAME].")
    var db: String?

    @Option(help: "With --db: the model (a fingerprint prefix) when several have the input.")
    var model: String?

    @Option(help: "Index of the input in the file it was captured from.")
    var input: Int

    @Option(help: "Only a trace with this tag (a stream may hold several).")
    var tag: String?

    @Option(help: "node-link (networkx JSON), graphml or dot.")
    var format: GraphFormat = .nodeLink

    @Option(help: "Keep only each node's K strongest incoming edges (by |weight|) and the nodes they touch.")
    var topEdges: Int?

    @Option(help: "Write here instead of standard output.")
    var out: String?

    func validate() throws {
        guard (stream == nil) != (db == nil) else { throw ValidationError("give exactly one of --stream and --db") }
        if let topEdges, topEdges < 1 { throw ValidationError("--top-edges must be at least 1") }
    }

    func run() throws {
        let (topology, trace) = try db.map { try openBackend($0, access: .readOnly).trace(tag: tag ?? "clean", inputIndex: input, model: model) }
            ?? findInStream(stream!)
        var graph = InferenceProvenanceGraph(topology: topology, trace: trace)
        if let topEdges { graph = graph.keepingStrongestEdges(perTarget: topEdges) }
        if !graph.underivedEdges.isEmpty {
            let byLayer = Dictionary(grouping: graph.underivedEdges, by: \.summarisedLayer)
            let lines = byLayer.keys.sorted().map { index in
                let pairs = byLayer[index]!.map { "\($0.sourceLayer)→\($0.targetLayer)" }.joined(separator: ", ")
                return "warning: layer \(index) (\(topology.layers[index].name)) is kept at summary resolution (per-node mean, max and share active): its edges \(pairs) are left out of the IPG\n"
            }
            FileHandle.standardError.write(Data(lines.joined().utf8))
        }
        let text = format.render(graph, topology: topology)
        if let out {
            try Data(text.utf8).write(to: URL(fileURLWithPath: out))
        } else {
            FileHandle.standardOutput.write(Data(text.utf8))
        }
    }

    private func findInStream(_ stream: String) throws -> (ModelTopology, Trace) {
        let reader = try TraceStreamReader(path: stream)
        while let trace = try reader.next() {
            if trace.metadata.inputIndex == input && (tag == nil || trace.metadata.tag == tag) {
                return (reader.header.topology, trace)
            }
        }
        throw ValidationError("\(stream): no trace for input \(input)\(tag.map { " with tag '\($0)'" } ?? "")")
    }
}
