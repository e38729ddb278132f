import Foundation
import Testing
import TestSupport

/// `$parameter` values that do not fit where the query uses them are refused with the
/// compiler's diagnostic at the parameter, before SQLite sees them.
@Suite struct ParameterRequirementCommandTests {
    @Test func valuesThatDoNotFitPointAtTheParameter() throws {
        let directory = try TemporaryDirectory()
        let (database, _) = try QueryCommandTests.store(in: directory)
        let take = "from traces | sort input | take $k"
        #expect(deepProvFailure(["query", "--db", database, "--param", "k=1.5", take])
            == "<query>:1:33: error[E048]: 'take' needs a whole number, found $k = 1.5\n  \(take)\n                                  ^~")
        #expect(try deepProvCSV(["query", "--db", database, "--format", "csv", "--param", "k=2", take]).count == 3)
        // The tiny model has two layers with edges (both dense), so its lineage goes at most two steps back.
        let tooDeep = deepProvFailure(["query", "--db", database, "--saved", "trace-lineage", "--param", "input=3", "--param", "depth=3", "--param", "k=1"])
        #expect(tooDeep?.contains("error[E049]: lineage depth 3 is out of bounds: at most 2 (the models' layers with edges back from the output)") == true)
        let tooWide = deepProvFailure(["query", "--db", database, "--saved", "trace-lineage", "--param", "input=3", "--param", "k=4"])
        #expect(tooWide?.contains("error[E049]: lineage depth 2 top 4 follows up to 4^2 paths per trace") == true)
    }
}
