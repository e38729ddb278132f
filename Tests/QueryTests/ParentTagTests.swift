import IPG
import Query
import Testing

/// `versus parent` over a selection whose tags have no parents pairs nothing: refused when the
/// catalog knows which tags have parents and the selection names its tags, literally or by a
/// `$parameter` once it has a value.
@Suite struct ParentTagTests {
    private static let catalog: Catalog = {
        var catalog = QueryCompilerTests.catalog
        catalog.tagsWithParents = ["fgsm"]
        return catalog
    }()

    private let paired = " | nodes of layer 1 | summarize mean by node | versus parent"

    @Test func aSelectionOfTagsWithoutParentsIsRefused() throws {
        let text = "from traces where tag = 'clean'" + paired
        #expect(renderedDiagnostics(text, catalog: Self.catalog) == """
            <query>:1:79: error[E054]: 'versus parent' pairs traces with their parents, and the traces of tag 'clean' have none
              \(text)
                                                                                            ^~~~~~~~~~~~~
              note: tags whose traces have parents: fgsm

            """)
        #expect(renderedDiagnostics("from traces where (tag = 'clean' or 'clean' = tag) and correct" + paired, catalog: Self.catalog)?.contains("error[E054]") == true)
        for accepted in ["tag = 'fgsm'", "tag = 'clean' or tag = 'fgsm'", "correct", "tag != 'fgsm'", "not (tag = 'clean')", "tag = 'clean' or correct"] {
            #expect(renderedDiagnostics("from traces where \(accepted)" + paired, catalog: Self.catalog) == nil, "\(accepted)")
        }
        #expect((try? compileQuery("from traces where tag = 'clean'" + paired).get()) != nil, "not checked when the catalog does not know")
    }

    @Test func aParameterTagIsCheckedOnceItHasAValue() throws {
        let query = try compileQuery("from traces where tag = $tag" + paired, catalog: Self.catalog).get()
        #expect(query.problems(withParameters: ["tag": .string("clean")]).map(\.message)
            == ["'versus parent' pairs traces with their parents, and the traces of tag 'clean' ($tag) have none"])
        #expect(query.problems(withParameters: ["tag": .string("fgsm")]).isEmpty)
        #expect(query.problems(withParameters: [:]).isEmpty)
        #expect(query.problems(withParameters: ["tag": .string("clean")], checking: []).isEmpty, "only requirements reading a checked parameter")
        #expect(query.problems(withParameters: ["tag": .string("clean")], checking: ["tag"]).count == 1)
    }
}
