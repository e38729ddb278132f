import Query
import Testing

/// Values compared with a tag, a model or a class are checked against the catalog, literals
/// when the query compiles and `$parameters` when their values are known, with the same
/// diagnostics, pointing at where the value is written.
@Suite struct CatalogValueTests {
    /// The diagnostics of a query as written, rendered.
    private func literalProblems(_ text: String) -> [String] {
        if case .failure(let diagnostics) = compileQuery(text) { return diagnostics.diagnostics.map { $0.render(in: SourceText(text)) } }
        return []
    }

    /// The diagnostics of a query with parameters once given `values`, rendered.
    private func parameterProblems(_ text: String, _ values: [String: CompiledQuery.Argument]) throws -> [String] {
        try compileQuery(text).get().problems(withParameters: values).map { $0.render(in: SourceText(text)) }
    }

    @Test func aTagParameterIsCheckedLikeTheLiteral() throws {
        let literal = literalProblems("from traces where tag = 'fgms'")
        let parameter = try parameterProblems("from traces where tag = $tag", ["tag": .string("fgms")])
        #expect(literal == ["""
            <query>:1:25: error[E027]: no tag 'fgms'; did you mean 'fgsm'?
              from traces where tag = 'fgms'
                                      ^~~~~~
              note: the store's tags: clean, fgsm

            """])
        #expect(parameter == ["""
            <query>:1:25: error[E027]: no tag 'fgms' (the value of $tag); did you mean 'fgsm'?
              from traces where tag = $tag
                                      ^~~~
              note: the store's tags: clean, fgsm

            """])
        #expect(try parameterProblems("from traces where tag = $tag", ["tag": .string("fgsm")]).isEmpty)
        #expect(try parameterProblems("from traces where $t = parent_tag", ["t": .string("cleen")]).first?.contains("error[E027]: no tag 'cleen' (the value of $t); did you mean 'clean'?") == true)
        #expect(try parameterProblems("from traces | nodes of layer 1 | summarize mean by node | versus traces where tag = $b", ["b": .string("x")]).first?.contains("error[E027]: no tag 'x'") == true)
        #expect(try parameterProblems("from traces where parent(tag = $p)", ["p": .integer(3)]).first?.contains("error[E027]: no tag '3'") == true)
    }

    @Test func aModelParameterIsCheckedLikeTheLiteral() throws {
        #expect(literalProblems("from traces where model = 'mpl'").first?.contains("error[E027]: no model 'mpl'; did you mean 'mlp'?") == true)
        #expect(try parameterProblems("from traces where model = $m", ["m": .string("mpl")]).first?.contains("error[E027]: no model 'mpl' (the value of $m); did you mean 'mlp'?") == true)
        #expect(try parameterProblems("from traces where model = $m", ["m": .string("mlp")]).isEmpty)
    }

    @Test func aLayerParameterIsCheckedLikeTheLiteral() throws {
        let literal = literalProblems("from traces | nodes of layer 9 | summarize mean by node")
        let parameter = try parameterProblems("from traces | nodes of layer $layer | summarize mean by node", ["layer": .integer(9)])
        #expect(literal.first?.hasPrefix("<query>:1:30: error[E022]: no layer 9: the models have layers 0–2") == true)
        #expect(parameter.first?.hasPrefix("<query>:1:30: error[E022]: no layer 9: the models have layers 0–2") == true)
        #expect(parameter.first?.contains("\n" + String(repeating: " ", count: 31) + "^~~~~~\n") == true, "at the parameter")
        #expect(try parameterProblems("from traces | edges into layer $layer", ["layer": .integer(0)]).first?.contains("error[E033]") == true)
    }

    @Test func aClassTheModelsDoNotHaveIsAMistake() throws {
        // The catalog's models end in 2 nodes: classes 0 and 1.
        let literal = literalProblems("from traces where label = 2")
        #expect(literal == ["""
            <query>:1:27: error[E053]: 'label' is a class from 0 to 1: it never equals 2
              from traces where label = 2
                                        ^
              note: the models' last layer has 2 nodes, one per class

            """])
        #expect(literalProblems("from traces where -1 = predicted").first?.contains("error[E053]: 'predicted' is a class from 0 to 1: it never equals -1") == true)
        #expect(try parameterProblems("from traces where predicted = $p", ["p": .integer(5)]).first?.contains("error[E053]: 'predicted' is a class from 0 to 1: it never equals 5 (the value of $p)") == true)
        #expect(try parameterProblems("from traces where label = $l", ["l": .number(0.5)]).first?.contains("error[E050]: 'label' holds whole numbers: it never equals 0.5 (the value of $l)") == true)
        for accepted in ["label = 1", "predicted = 0", "label != 7", "label < 9", "label = predicted", "input = 12"] {
            #expect(literalProblems("from traces where \(accepted)").isEmpty, "\(accepted)")
        }
        #expect(try parameterProblems("from traces where label = $l", ["l": .integer(1)]).isEmpty)
    }
}
