import Foundation
import IPG

/// Where provenance lives, as analyses and commands use it: the catalog a query is compiled
/// against, compiled SQL run with typed arguments, decoded traces, ingest from memory, the
/// models' ONNX bytes, and named analysis results. `ProvenanceStore` (SQLite) is the first
/// implementation; a second engine implements the same requirements.
public protocol ProvenanceBackend: AnyObject, Sendable {
    /// Where the store is (a file, a server), for messages.
    var location: String { get }
    /// The name of the SQL dialect the backend runs ("sqlite").
    var dialectName: String { get }

    /// The models, layers and tags a query may name; with `includingParentTags`, also which
    /// tags have traces with parents (costlier: only queries that pair traces with their parents need it).
    func catalog(includingParentTags: Bool) throws -> Catalog
    /// Runs one read-only statement with its `?` placeholders bound, in order, to `arguments`.
    func run(sql: String, arguments: [StoreValue]) throws -> ResultTable
    /// Runs read-only statements at the same time, each on a connection of its own (an engine
    /// that cannot runs them one after another); the results in the statements' order.
    func run(concurrently statements: [BoundStatement]) throws -> [ResultTable]
    /// Stops the statements running now (from any thread), which then fail.
    func interrupt()
    /// Counts and lists: models, runs, traces per tag.
    func info() throws -> StoreInfo

    /// The trace of input `inputIndex` with `tag` (of the model whose fingerprint starts with `model`).
    func trace(tag: String, inputIndex: Int, model: String?) throws -> (topology: ModelTopology, trace: Trace)
    /// Calls `body` with each selected trace, decoded, in storage order; `body` returns false to stop.
    func forEachTrace(_ selection: TraceSelection, _ body: (ModelTopology, Trace) throws -> Bool) throws

    /// The traces `lookup` names, in id order, each with its model and the first traces at its
    /// address and at its parent's (forensics).
    func traceLocations(_ lookup: TraceLookup) throws -> [TraceLocation]
    /// The node values of `layer` (each node's elements' mean) of the trace with `id`; nil
    /// when there is no such trace or layer.
    func nodeValues(trace id: Int64, layer: Int) throws -> [Double]?
    /// Per node of `layers`, the statistics of the node values of the traces of model `model`
    /// (fingerprint) with `tag` whose true label is `label` (forensics' clean envelope); nodes
    /// of no trace are left out.
    func classNodeStatistics(model: String, tag: String, label: Int, layers: ClosedRange<Int>) throws -> [NodeClassStatistics]
    /// Per class of `request.classes`, its exact nearest traces, nearest first.
    func nearestCorrectTraces(_ request: NearestTraceRequest) throws -> [Int: [TraceDistance]]

    /// Starts an ingest run reading `sources` (recorded with it).
    func beginIngest(sources: String, batchSize: Int) throws -> any TraceIngestion
    /// The ONNX bytes of the model with `fingerprint`, when the store has them.
    func modelBytes(fingerprint: String) throws -> Data?
    /// Stores (or replaces) a named analysis result.
    func record(_ analysis: AnalysisRecord) throws
    /// The stored analyses of `kind`, by name.
    func analyses(kind: String) throws -> [AnalysisRecord]
}

/// A statement with the values for its `?` placeholders, in order.
public struct BoundStatement: Sendable, Equatable {
    public var sql: String
    public var arguments: [StoreValue]

    public init(sql: String, arguments: [StoreValue]) {
        self.sql = sql
        self.arguments = arguments
    }
}

extension ProvenanceBackend {
    /// One after another.
    public func run(concurrently statements: [BoundStatement]) throws -> [ResultTable] {
        try statements.map { try run(sql: $0.sql, arguments: $0.arguments) }
    }

    /// The models, layers and tags a query may name.
    public func catalog() throws -> Catalog {
        try catalog(includingParentTags: false)
    }
}

/// Traces to read: all, or those of a tag, of some inputs, of one model.
public struct TraceSelection: Sendable, Equatable {
    public var tag: String?
    public var inputIndices: [Int]?
    /// A model fingerprint prefix.
    public var model: String?

    public init(tag: String? = nil, inputIndices: [Int]? = nil, model: String? = nil) {
        self.tag = tag
        self.inputIndices = inputIndices
        self.model = model
    }
}

/// An ingest in progress: traces handed over in memory, model by model.
public protocol TraceIngestion: AnyObject {
    /// The traces that follow belong to `topology`'s model, stored with `encoding`; `onnx`,
    /// when known, is kept as the model's bytes.
    func beginModel(_ topology: ModelTopology, encoding: ValueEncoding, source: String, onnx: Data?) throws
    /// The same, with each layer's resolution (a summarised layer keeps per node its mean, max
    /// and share active; a derived one is rebuilt from its source on reading).
    func beginModel(_ topology: ModelTopology, encoding: ValueEncoding, source: String, onnx: Data?, resolutions: [LayerResolution]?) throws
    func add(_ trace: Trace) throws
    /// What has been stored so far.
    var summary: IngestSummary { get }
    /// Stores what is left and records the run as finished.
    func finish() throws -> IngestSummary
    /// Records the run as failed with `error`, keeping what was handed over.
    @discardableResult func fail(_ error: any Error) -> IngestSummary
}

/// A named result of an analysis (a characterization, a repair, a forensic report).
public struct AnalysisRecord: Sendable, Equatable {
    /// What kind of analysis ("repair", …); names are unique per kind.
    public var kind: String
    public var name: String
    /// The model analysed (fingerprint), if one.
    public var modelFingerprint: String?
    /// What was asked, as JSON.
    public var parameters: String
    /// What came out, in the kind's own encoding.
    public var result: Data
    public var createdAt: String

    public init(kind: String, name: String, modelFingerprint: String?, parameters: String, result: Data, createdAt: String = "") {
        self.kind = kind
        self.name = name
        self.modelFingerprint = modelFingerprint
        self.parameters = parameters
        self.result = result
        self.createdAt = createdAt
    }
}

extension IngestSummary {
    /// Nothing stored yet, of run `runID` (what another backend's ingest starts from).
    public init(runID: Int64) {
        self.init(runID: runID, tracesRead: 0)
    }
}
