@testable import Analysis
import Engine
import Foundation
import Store
import Testing
import TestSupport

/// Edge repair on RepairFixtures' model where every adversarial child moves x1 up by 0.5
/// (label 0: 1 → 1.5; label 1: 1 → 0.5 → 1.5 too), so by hand: only source 1 of each dense
/// layer shifts in mean, by 0.5 (x1, then h1 = x1). The shift of an edge is |W · 0.5|: fc1's
/// w1 = [[1, 0], [0, 1]] (transB, [targets, sources]) gives entry 3 (1 → 0.5), fc2's w2 =
/// [[0, 0], [1, 1.5]] gives entry 3 (1.5 → 0.75); every other entry 0. Of the model's 8
/// weight-matrix entries, a 12.5 % budget (1 entry) is w2[3], 25 % (2) adds w1[3].
@Suite struct EdgeRepairTests {
    static func oneWayShift(_ input: Int) -> Float { RepairFixtures.label(input) == 0 ? 0.5 : -0.5 }

    struct Workspace {
        let directory: TemporaryDirectory
        let model: Model
        let store: ProvenanceStore

        init(shiftX0: (Int) -> Float = { _ in 0 }) throws {
            directory = try TemporaryDirectory()
            model = try RepairFixtures.store(at: directory.path("store.sqlite"), shift: EdgeRepairTests.oneWayShift, shiftX0: shiftX0)
            store = try ProvenanceStore(path: directory.path("store.sqlite"))
        }

        func request(_ actions: RepairActions = .edge, maxWeightChange: Double = 25, adaptiveEpsilon: Float = 0.3) -> RepairRequest {
            RepairRequest(modelFingerprint: model.fingerprint, cleanTag: RepairFixtures.cleanTag, adversarialTag: RepairFixtures.adversarialTag,
                          actions: actions, validationFraction: 0.25, seed: 7, maxBenignDrop: 100, maxWeightChange: maxWeightChange,
                          epochs: 4, repairEpsilon: 0.3, learningRate: 0.2, adaptiveEpsilon: adaptiveEpsilon)
        }
    }

    @Test func selectsTheEdgesKnownByHand() throws {
        let workspace = try Workspace()
        let one = try EdgeRepair.run(workspace.request(maxWeightChange: 12.5), backend: workspace.store).outcome
        #expect(one.budget == 1 && one.weightEntries == 8)
        #expect(one.layers.map(\.weightName) == ["w1", "w2"])
        #expect(one.layers.map(\.selected) == [[], [3]])
        let two = try EdgeRepair.run(workspace.request(maxWeightChange: 25), backend: workspace.store).outcome
        #expect(two.budget == 2)
        #expect(two.layers.map(\.selected) == [[3], [3]])
        #expect(one.weightsChanged <= 1 && two.weightsChanged <= 2, "the budget is never exceeded")
        // a budget of 10 % is 0 entries: nothing may change, and nothing does
        let none = try EdgeRepair.run(workspace.request(maxWeightChange: 10), backend: workspace.store)
        #expect(none.outcome.budget == 0 && none.outcome.weightsChanged == 0)
        #expect(none.outcome.repairedFingerprint == Model.sha256Hex(try ONNXExporter.serialize(workspace.model.graph)))
    }

    /// The edges come from the mining part alone: adversarial children of validation inputs
    /// that also move x0 by 2 (which would make x0's edges, w1[0] and w2[2] with shift 2, the
    /// most shifted) change nothing; the same move on the mining part's children does.
    @Test func validationInputsDoNotChooseTheEdges() throws {
        let validation = Set(try RepairSplit(cleanInputs: Array(0..<40), validationFraction: 0.25, seed: 7).validation)
        func selected(_ shiftX0: @escaping (Int) -> Float) throws -> [[Int]?] {
            let workspace = try Workspace(shiftX0: shiftX0)
            return try EdgeRepair.run(workspace.request(maxWeightChange: 25), backend: workspace.store).outcome.layers.map(\.selected)
        }
        #expect(try selected { _ in 0 } == [[3], [3]])
        #expect(try selected { validation.contains($0) ? 2 : 0 } == [[3], [3]])
        #expect(try selected { validation.contains($0) ? 0 : 2 } == [[0], [2]])
    }

    @Test func onlyTheSelectedEntriesChangeAndTheRepairedONNXRunsInOnnxRuntime() throws {
        let workspace = try Workspace()
        let result = try EdgeRepair.run(workspace.request(maxWeightChange: 12.5), backend: workspace.store)
        let outcome = result.outcome
        try #require(outcome.chosenEpoch != nil, "the fixture's fine-tuning should keep an epoch: \(outcome.epochScores)")
        #expect(outcome.epochScores[0] == RepairScores(benign: 1, adversarial: 0), "by hand: FGSM ε 0.3 flips every input of the original")
        let repaired = try Model.load(onnx: result.repairedONNX, source: "repaired.onnx")
        #expect(Set(repaired.graph.initializers.keys) == Set(workspace.model.graph.initializers.keys))
        var changed: [String: [Int]] = [:]
        for (name, constant) in workspace.model.graph.initializers {
            guard case .float(let before) = constant, case .float(let after)? = repaired.graph.initializers[name] else {
                Issue.record("\(name) is not a float initializer in both models")
                continue
            }
            #expect(after.shape == before.shape, "\(name)")
            changed[name] = before.values.indices.filter { before.values[$0].bitPattern != after.values[$0].bitPattern }
        }
        #expect(changed == ["w1": [], "b1": [], "w2": [3], "b2": []], "only w2[3] may change, and it does")
        #expect(outcome.weightsChanged == 1 && outcome.otherParametersChanged == 0)
        #expect(outcome.repairedValidation.adversarial > outcome.originalValidation.adversarial)

        let input = Tensor(shape: [5, 2], values: [0.5, 1, 1.5, 1, 0.5, 1.5, 1.5, 1.5, 0.8, 1.3])
        let theirs = try ONNXRuntimeReference.outputs(of: result.repairedONNX, on: input)
        let ours = try InferenceSession(model: repaired).run(input)
        #expect(ours.shape == theirs.shape)
        #expect(zip(ours.values, theirs.values).allSatisfy { abs($0 - $1) <= 1e-5 }, "\(ours.values) vs \(theirs.values)")
    }

    @Test func theWholeModelBaselineMayChangeEveryParameterAndIsRecordedAsSuch() throws {
        let workspace = try Workspace()
        let result = try EdgeRepair.run(workspace.request(.wholeModel), backend: workspace.store)
        let outcome = result.outcome
        #expect(outcome.kind == .wholeModel && outcome.budget == nil)
        #expect(outcome.layers.map(\.weightName) == ["w1", "w2"] && outcome.layers.allSatisfy { $0.selected == nil })
        let repaired = try Model.load(onnx: result.repairedONNX, source: "baseline.onnx")
        var differing = 0
        for (name, constant) in workspace.model.graph.initializers {
            guard case .float(let before) = constant, case .float(let after)? = repaired.graph.initializers[name] else { continue }
            differing += zip(before.values, after.values).count { $0 != $1 }
        }
        #expect(differing == outcome.weightsChanged + outcome.otherParametersChanged)
        #expect(outcome.weightsChanged > 2, "the baseline is not held to the edges edge repair selects")
        let recorded = try RecordedRepair.all(in: workspace.store)
        #expect(recorded.count == 1)
        #expect(recorded.first?.edge == outcome && recorded.first?.request.actions == .wholeModel)
        #expect(recorded.first?.name.contains("-whole-model-seed7-") == true)
    }

    @Test func bothKeepsTheCandidateWithTheBestAdaptiveValidationAccuracy() throws {
        let workspace = try Workspace()
        let result = try RepairComparison.run(workspace.request(.both), backend: workspace.store)
        let choice = result.choice
        #expect(choice.candidates.map(\.name) == ["original", "node", "edge"])
        // by hand: 10 steps of ε/4 at ε 0.3 reach x ± 0.3 along the gradient's sign (+1, +1.5)
        // and flip every validation input of the original
        #expect(choice.candidates[0].adaptive == 0 && choice.candidates[0].benign == 1)
        for candidate in choice.candidates {
            #expect(candidate.adaptive <= min(candidate.exactGradient, candidate.bpda), "\(candidate)")
        }
        let eligible = choice.candidates.filter(\.withinBudget)
        let best = try #require(eligible.map(\.adaptive).max())
        let chosen = try #require(choice.candidates.first { $0.name == choice.chosen })
        #expect(chosen.adaptive == best && chosen.withinBudget)
        // by hand: the node action pulls h1 back to 1 wherever the attack moves x1 inside its
        // window, and x0's ±0.3 alone cannot cross the margin of 0.5, whichever gradient the
        // attack follows; edge repair's one-entry-per-layer change cannot do as well
        #expect(choice.candidates[1].exactGradient == 1 && choice.candidates[1].bpda == 1, "\(choice.candidates)")
        #expect(chosen.name == "node", "\(choice.candidates)")
        #expect(Model.sha256Hex(result.repairedONNX) == choice.repairedFingerprint)
        #expect(choice.edge.weightsChanged <= 2)
        let recorded = try RecordedRepair.all(in: workspace.store)
        #expect(recorded.map(\.choice) == [choice])
    }

    @Test func layersWithoutAWeightMatrixAreRefused() throws {
        let workspace = try Workspace()
        var request = workspace.request()
        request.layers = [3]
        let error = #expect(throws: RepairError.self) { try EdgeRepair.run(request, backend: workspace.store) }
        #expect(error?.message == "--layers: layer 3 is not a dense layer with a weight matrix, so edge repair cannot edit its edges (dense layers: 1, 2)")
    }
}
