import Query
import Testing

/// A query with several problems reports them all where that is safe: every lexical error,
/// the binder's errors across stages, up to a stage that fails to decide what the rows are.
@Suite struct DiagnosticListTests {
    private func problems(_ text: String) -> [(code: String, at: String)] {
        guard case .failure(let list) = QueryCompiler.compile(SourceText(text), catalog: QueryCompilerTests.catalog) else { return [] }
        return list.diagnostics.map { ($0.code.rawValue, SourceText(text).text(of: $0.span)) }
    }

    @Test func bindingGoesOnPastFiltersAndSorts() {
        let found = problems("from traces where tag = 'fgms' | where lable = 1 | nodes of layer 1 | summarize mean by node | where mean > 'x' | sort meen")
        #expect(found.map(\.code) == ["E027", "E029", "E044", "E029"])
        #expect(found.map(\.at) == ["'fgms'", "lable", "mean > 'x'", "meen"])
    }

    @Test func aStageThatFailsToShapeTheRowsEndsTheList() {
        // Without the layer, `by node` would be a second, misleading error.
        let found = problems("from traces where lable = 1 | nodes of layer 9 | summarize mean by node | sort x")
        #expect(found.map(\.code) == ["E029", "E022"])
        #expect(problems("from traces | nodes of layer 1 | summarize mean, effect by node | sort meen").map(\.code) == ["E029"],
                "what a query lacks at its end is reported only when its stages bound")
    }

    @Test func everyLexicalErrorAndTheFirstSyntaxError() {
        #expect(problems("from traces where tag = @ and $ = 'x").map(\.code) == ["E004", "E002", "E003"])
        #expect(problems("from traces where tag = | sort").map(\.code) == ["E010"])
    }

    @Test func theListRendersEachDiagnostic() throws {
        let text = "from traces where lable = 1 | sort meen"
        let list = try #require(QueryCompiler.compile(SourceText(text), catalog: QueryCompilerTests.catalog).failure)
        #expect(list.render(in: SourceText(text)) == list.diagnostics.map { $0.render(in: SourceText(text)) }.joined())
        #expect(list.render(in: SourceText(text)).components(separatedBy: "error[E029]").count == 3)
        #expect(list.first == list.diagnostics[0])
    }
}

/// A saved query's header problems have their own codes and point at the line.
@Suite struct SavedQueryHeaderTests {
    @Test func aBadParameterLinePointsAtIt() {
        let text = "# name: q\n# description: d\n# param: k whole 3\nfrom traces | take $k"
        #expect(throws: Diagnostic.self) { try SavedQuery(text: text, file: "q.dpq") }
        do {
            _ = try SavedQuery(text: text, file: "q.dpq")
        } catch {
            #expect(error.code.rawValue == "E060")
            #expect(error.render(in: SourceText(text, name: "q.dpq")).hasPrefix("q.dpq:3:1: error[E060]: q.dpq:3: expected 'param: <name> <string|integer|number> [default]'\n  # param: k whole 3\n  ^" + String(repeating: "~", count: "# param: k whole 3".count - 1) + "\n"))
        }
    }

    @Test func aMissingNameOrDescriptionIsItsOwnCode() throws {
        do {
            _ = try SavedQuery(text: "# name: q\nfrom traces", file: "q.dpq")
            Issue.record("a header without a description was accepted")
        } catch {
            #expect(error.code.rawValue == "E061")
        }
        let saved = try SavedQuery(text: "# name: q\n# description: d\n# param: k integer 3\nfrom traces | take $k", file: "q.dpq")
        #expect(saved.parameters.map(\.name) == ["k"] && saved.parameters.map(\.kind) == [.integer] && saved.parameters.map(\.defaultValue) == ["3"])
    }
}

extension Result {
    /// The error, when there is one.
    fileprivate var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
