@testable import Analysis
import Testing

/// The benign target: the mean when values barely spread, else the KDE mode, by hand.
@Suite struct BenignModeTests {
    @Test func narrowValuesGiveTheMean() {
        // 999 values of 2 and one 3: normalised, 999 zeros and a one, deviation 0.0316 < 0.05
        let values = [Float](repeating: 2, count: 999) + [3]
        #expect(BenignMode.target(values) == Float((2.0 * 999 + 3) / 1000))
        #expect(BenignMode.target([4, 4, 4]) == 4)
        #expect(BenignMode.target([]) == nil)
    }

    @Test func spreadValuesGiveTheDensityPeak() throws {
        // 70 values at 0 (a ReLU's silent inputs) and 30 spread over 1…4: the peak is at 0
        let values = [Float](repeating: 0, count: 70) + (0..<30).map { 1 + Float($0) / 10 }
        #expect(BenignMode.target(values) == 0)
        // two clusters, the larger near 3: the peak is within a grid step (range/200) of 3
        let clusters = [Float](repeating: 1, count: 30) + [Float](repeating: 3, count: 60) + [Float](repeating: 5, count: 10)
        let mode = try #require(BenignMode.target(clusters))
        #expect(abs(mode - 3) <= 4 / 200 + 4 / 256, "\(mode)")
    }
}
