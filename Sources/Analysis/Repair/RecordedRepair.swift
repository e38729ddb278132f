import Foundation
import Store

/// A repair as recorded in a store: its request and outcome, decoded.
public struct RecordedRepair: Sendable, Codable, Equatable {
    public var name: String
    public var createdAt: String
    public var request: RepairRequest
    public var outcome: NodeRepairOutcome

    /// Every recorded repair of `backend`, by name; a record that does not decode is an error naming it.
    public static func all(in backend: any ProvenanceBackend) throws -> [RecordedRepair] {
        try backend.analyses(kind: NodeRepair.analysisKind).map { record in
            do {
                return RecordedRepair(
                    name: record.name, createdAt: record.createdAt,
                    request: try JSONDecoder().decode(RepairRequest.self, from: Data(record.parameters.utf8)),
                    outcome: try JSONDecoder().decode(NodeRepairOutcome.self, from: record.result))
            } catch {
                throw RepairError("\(backend.location): recorded repair '\(record.name)' cannot be read: \(error)")
            }
        }
    }
}
