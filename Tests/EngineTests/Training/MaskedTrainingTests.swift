import Engine
import Testing
import TestSupport

/// Training under a parameter mask (edge repair's fine-tuning) changes only the entries the
/// mask allows, counted entry by entry against the weights before, and still learns.
@Suite struct MaskedTrainingTests {
    @Test func onlyMaskedEntriesChangeAndTheLossStillFalls() throws {
        let (features, labels) = GaussianBlobs.make(count: 400, seed: 3)
        let session = try InferenceSession(model: Architecture(parsing: "mlp:4,16,2").makeModel(seed: 5))
        let names = session.trainableParameterNames
        let before = Dictionary(uniqueKeysWithValues: names.map { ($0, session.parameter($0)!) })
        let matrices = names.filter { before[$0]!.shape.count == 2 }
        let edited = try #require(matrices.last)
        let flags = before[edited]!.values.indices.map { $0 % 3 == 0 }
        let mask = ParameterMask([edited: flags])
        let trainer = Trainer(session: session, options: TrainingOptions(batchSize: 32, learningRate: 0.01, seed: 9, mask: mask))
        var losses: [Float] = []
        for _ in 0..<6 { losses.append(try trainer.trainEpoch(features: features, labels: labels).loss) }
        #expect(losses.last! < losses.first!, "losses \(losses)")
        for name in names where name != edited {
            #expect(session.parameter(name)!.values == before[name]!.values, "\(name) changed")
        }
        let after = session.parameter(edited)!.values
        let changed = after.indices.filter { after[$0] != before[edited]!.values[$0] }
        #expect(!changed.isEmpty)
        #expect(changed.allSatisfy { flags[$0] }, "changed entries outside the mask: \(changed.filter { !flags[$0] })")
        #expect(changed.count <= mask.changeableCount)
    }

    @Test func aMaskThatDoesNotFitIsRefusedNamingTheParameter() throws {
        let (features, labels) = GaussianBlobs.make(count: 8, seed: 3)
        let session = try InferenceSession(model: Architecture(parsing: "mlp:4,3,2").makeModel(seed: 5))
        let name = session.trainableParameterNames[0]
        let entries = session.parameter(name)!.count
        for (mask, problem) in [
            (ParameterMask(["no_such_weight": [true]]), "parameter mask names 'no_such_weight', which is not a trainable parameter"),
            (ParameterMask([name: [true]]), "parameter mask for '\(name)' has 1 flags; the parameter has \(entries) entries"),
        ] {
            let trainer = Trainer(session: session, options: TrainingOptions(batchSize: 4, mask: mask))
            let error = #expect(throws: EngineError.self) { try trainer.trainEpoch(features: features, labels: labels) }
            #expect(error?.message.hasPrefix(problem) == true, "\(error?.message ?? "no error")")
        }
    }
}
