@testable import Analysis
import Engine
import Testing

/// Edge selection by hand: clean inputs [[1, 0], [3, 2]] have means (2, 1), adversarial
/// [[2, 4], [2, 0]] means (2, 2), so only source 1's edges shift, each by |W · 1|.
@Suite struct EdgeSelectionTests {
    let clean = Tensor(shape: [2, 2], values: [1, 0, 3, 2])
    let adversarial = Tensor(shape: [2, 2], values: [2, 4, 2, 0])

    @Test func choosesTheEdgesWhoseMeanContributionMovesMost() throws {
        // [sources 2, targets 3]: source 1's edges are entries 3, 4, 5 (weights 0.5, −3, 1).
        let weight = Tensor(shape: [2, 3], values: [5, -1, 2, 0.5, -3, 1])
        let selection = try EdgeSelection(clean: clean, adversarial: adversarial, weight: weight, transposed: false)
        #expect(selection.shift == [0, 0, 0, 0.5, 3, 1])
        #expect(selection.mostShifted(budget: 2) == [false, false, false, false, true, true])
        // entries that do not move are never chosen, whatever the budget
        #expect(selection.mostShifted(budget: 10) == [false, false, false, true, true, true])
    }

    @Test func readsGemmsTransposedWeights() throws {
        // the same weights as [targets 3, sources 2]: source 1's edges are entries 1, 3, 5.
        let weight = Tensor(shape: [3, 2], values: [5, 0.5, -1, -3, 2, 1])
        let selection = try EdgeSelection(clean: clean, adversarial: adversarial, weight: weight, transposed: true)
        #expect(selection.mostShifted(budget: 2) == [false, false, false, true, false, true])
    }

    @Test func theBudgetIsNeverExceeded() {
        #expect(EdgeSelection.budget(percent: 10, of: 24) == 2)
        // the 784-350-50-10 MLP has 292,400 weight-matrix entries; 5 % of them is 14,620
        #expect(EdgeSelection.budget(percent: 5, of: 784 * 350 + 350 * 50 + 50 * 10) == 14_620)
        #expect(EdgeSelection.budget(percent: 5.1, of: 292_400) == 14_912)
        #expect(EdgeSelection.budget(percent: 0, of: 100) == 0)
    }

    @Test func aLayerWhoseInputsDoNotFitTheWeightIsRefused() {
        let weight = Tensor(shape: [3, 3], repeating: 1)
        let error = #expect(throws: RepairError.self) { try EdgeSelection(clean: clean, adversarial: adversarial, weight: weight, transposed: false) }
        #expect(error?.message == "edge repair: the clean inputs of the layer have 2 values; its weight [3, 3] expects 3")
    }

    @Test func theBudgetIsSpreadOverLayersByLargestShift() throws {
        // layer A shifts [0, 0, 0, 0.5, 3, 1] (above); layer B's weight [2, 1] = [7, 0.75]: shifts [0, 0.75]
        let a = try EdgeSelection(clean: clean, adversarial: adversarial, weight: Tensor(shape: [2, 3], values: [5, -1, 2, 0.5, -3, 1]), transposed: false)
        let b = try EdgeSelection(clean: clean, adversarial: adversarial, weight: Tensor(shape: [2, 1], values: [7, 0.75]), transposed: false)
        #expect(EdgeSelection.mostShifted([a, b], budget: 2) == [[false, false, false, false, true, true], [false, false]])
        #expect(EdgeSelection.mostShifted([a, b], budget: 3) == [[false, false, false, false, true, true], [false, true]])
        #expect(EdgeSelection.mostShifted([a, b], budget: 100) == [[false, false, false, true, true, true], [false, true]])
    }
}
