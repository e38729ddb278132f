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

    private func compile(_ text: String, catalog: Catalog = Self.catalog) -> Result<CompiledQuery, DiagnosticList> {
        QueryCompiler.compile(SourceText(text), catalog: catalog)
    }

    private func rendered(_ text: String) -> String? {
        if case .failure(let diagnostics) = compile(text) { return diagnostics.render(in: SourceText(text)) }
        return nil
    }

    private let paired = " | nodes of layer 1 | summarize mean by node | versus parent"

    @Test func aSelectionOfTagsWithoutParentsIsRefused() throws {
        let text = "from traces where tag = 'clean'" + paired
        #expect(rendered(text) == """
            <query>:1:79: error[E054]: 'versus parent' pairs traces with their parents, and the traces of tag 'clean' have none
              \(text)
                                                                                            ^~~~~~~~~~~~~
              note: tags whose traces have parents: fgsm

            """)
        #expect(rendered("from traces where (tag = 'clean' or 'clean' = tag) and correct" + paired)?.contains("error[E054]") == true)
        for accepted in ["tag = 'fgsm'", "tag = 'clean' or tag = 'fgsm'", "correct", "tag != 'fgsm'", "not (tag = 'clean')", "tag = 'clean' or correct"] {
            #expect(rendered("from traces where \(accepted)" + paired) == nil, "\(accepted)")
        }
        #expect((try? compile("from traces where tag = 'clean'" + paired, catalog: QueryCompilerTests.catalog).get()) != nil, "not checked when the catalog does not know")
    }

    @Test func aParameterTagIsCheckedOnceItHasAValue() throws {
        let query = try compile("from traces where tag = $tag" + paired).get()
        #expect(query.problems(withParameters: ["tag": .string("clean")]).map(\.message)
            == ["'versus parent' pairs traces with their parents, and the traces of tag 'clean' ($tag) have none"])
        #expect(query.problems(withParameters: ["tag": .string("fgsm")]).isEmpty)
        #expect(query.problems(withParameters: [:]).isEmpty)
        #expect(query.problems(withParameters: ["tag": .string("clean")], checking: []).isEmpty, "only requirements reading a checked parameter")
        #expect(query.problems(withParameters: ["tag": .string("clean")], checking: ["tag"]).count == 1)
    }
}
