import Foundation
import Store

/// A repair as recorded in a store: its request and outcome, decoded. Which outcome is
/// present follows `request.actions`: node actions, an edge repair or the whole-model
/// baseline, or (`both`) the comparison of the candidates with the one chosen.
public struct RecordedRepair: Sendable, Codable, Equatable {
    public var name: String
    public var createdAt: String
    public var request: RepairRequest
    /// `--actions node`.
    public var outcome: NodeRepairOutcome?
    /// `--actions edge` or `whole-model`.
    public var edge: EdgeRepairOutcome?
    /// `--actions both`.
    public var choice: RepairChoice?

    /// Every recorded repair of `backend`, by name; a record that does not decode is an error naming it.
    public static func all(in backend: any ProvenanceBackend) throws -> [RecordedRepair] {
        try backend.analyses(kind: NodeRepair.analysisKind).map { record in
            do {
                let request = try JSONDecoder().decode(RepairRequest.self, from: Data(record.parameters.utf8))
                var recorded = RecordedRepair(name: record.name, createdAt: record.createdAt, request: request)
                switch request.actions {
                case .node: recorded.outcome = try JSONDecoder().decode(NodeRepairOutcome.self, from: record.result)
                case .edge, .wholeModel: recorded.edge = try JSONDecoder().decode(EdgeRepairOutcome.self, from: record.result)
                case .both: recorded.choice = try JSONDecoder().decode(RepairChoice.self, from: record.result)
                }
                return recorded
            } catch {
                throw RepairError("\(backend.location): recorded repair '\(record.name)' cannot be read: \(error)")
            }
        }
    }

    /// The analysis record of a repair: `request` as parameters, `result` (the outcome of the
    /// kind `request.actions` names) as JSON.
    static func makeRecord(_ request: RepairRequest, name: String, originalFingerprint: String, result: some Encodable) throws -> AnalysisRecord {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return AnalysisRecord(
            kind: NodeRepair.analysisKind, name: name, modelFingerprint: originalFingerprint,
            parameters: String(decoding: try encoder.encode(request), as: UTF8.self),
            result: try encoder.encode(result))
    }
}
