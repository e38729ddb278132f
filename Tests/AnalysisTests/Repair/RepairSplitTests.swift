@testable import Analysis
import Store
import Testing
import TestSupport

/// The seeded split: reproducible, disjoint, of the asked size, and an adversarial input
/// always on its clean parent's side, so nothing of validation reaches mining.
@Suite struct RepairSplitTests {
    @Test(arguments: [0.1, 0.25, 0.5])
    func partsAreDisjointCompleteAndSeeded(fraction: Double) throws {
        let inputs = Array(0..<57)
        var seen = Set<[Int]>()
        for seed in UInt64(0)..<20 {
            let split = try RepairSplit(cleanInputs: inputs.shuffled(), validationFraction: fraction, seed: seed)
            #expect(Set(split.mining).isDisjoint(with: split.validation))
            #expect((split.mining + split.validation).sorted() == inputs)
            #expect(split.validation.count == Int((57 * fraction).rounded()))
            #expect(try RepairSplit(cleanInputs: inputs, validationFraction: fraction, seed: seed) == split, "the same seed gives the same split")
            seen.insert(split.validation)
        }
        #expect(seen.count > 15, "different seeds should give different splits")
    }

    @Test func adversarialInputsFollowTheirParents() throws {
        let directory = try TemporaryDirectory()
        let model = try RepairFixtures.store(at: directory.path("store.sqlite"))
        let store = try ProvenanceStore(path: directory.path("store.sqlite"), access: .readOnly)
        let examples = try RepairExamples.load(from: store, fingerprint: model.fingerprint,
                                               cleanTag: RepairFixtures.cleanTag, adversarialTag: RepairFixtures.adversarialTag)
        for seed in UInt64(0)..<10 {
            let split = try RepairSplit(cleanInputs: examples.clean.map(\.inputIndex), validationFraction: 0.3, seed: seed)
            let mining = examples.part(split.mining), validation = examples.part(split.validation)
            #expect(Set(mining.cleanInputs) == Set(split.mining))
            #expect(Set(validation.cleanInputs) == Set(split.validation))
            #expect(Set(mining.adversarialParents).isSubset(of: split.mining), "a validation input's adversarial child reached mining")
            #expect(Set(validation.adversarialParents).isSubset(of: split.validation))
            #expect(mining.adversarialLabels.count + validation.adversarialLabels.count == examples.adversarial.count)
        }
    }

    @Test func tooFewInputsAreRefused() {
        #expect(throws: RepairError.self) { try RepairSplit(cleanInputs: [3], validationFraction: 0.2, seed: 1) }
    }
}
