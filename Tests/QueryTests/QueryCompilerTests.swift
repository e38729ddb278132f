import IPG
import Query
import Testing

/// The compiler's phases end to end on a hand-built catalog: bound arguments, columns and
/// diagnostics (golden plans and SQL: `GoldenPlanTests`; mutated input: `QueryFuzzTests`).
@Suite struct QueryCompilerTests {
    static let catalog = Catalog(
        models: [Catalog.Model(fingerprint: "ab12", name: "mlp", layers: [
            Catalog.Layer(index: 0, name: "x", kind: .input, nodeCount: 4, nodeSize: 1),
            Catalog.Layer(index: 1, name: "fc1", kind: .dense, nodeCount: 3, nodeSize: 1),
            Catalog.Layer(index: 2, name: "fc2", kind: .dense, nodeCount: 2, nodeSize: 1),
        ])],
        tags: ["clean", "fgsm"])

    @Test func oneTagSummaryReadsTheStatistics() throws {
        let query = try compileQuery("from traces where tag = $tag | nodes of layer $layer | summarize count, mean, stddev, freq by node").get()
        #expect(query.arguments == [.parameter("tag"), .parameter("layer")])
        #expect(query.columns == ["layer", "node", "count", "mean", "stddev", "freq"])
    }

    @Test func anyOtherFilterScansTheTraces() throws {
        let query = try compileQuery("from traces where tag = 'clean' and not correct | nodes of layer 2 | summarize mean, max by node | sort -mean | take 1").get()
        #expect(query.arguments == [.integer(2), .string("clean"), .integer(1)])
    }

    @Test func attributesAndQuantilesAreBound() throws {
        let query = try compileQuery("from traces where attr('camera id') = $camera | nodes of layer 1 | summarize p90 by predicted, node").get()
        #expect(query.columns == ["predicted", "layer", "node", "p90"])
        #expect(query.arguments == [.number(0.9), .integer(1), .string("camera id"), .parameter("camera")])
        #expect(query.sql.contains("ipg_node_quantile(t.value_block, t.value_row, l.layer, l.node_size, ?) AS q90"))
        #expect(query.sql.contains("GROUP BY +t.model_id, +t.predicted_label, l.layer"))
        #expect(!query.sql.contains("camera id"), "keys are bound like any value")
    }

    @Test func traceSelectionBindsEveryValue() throws {
        let query = try compileQuery("from traces where tag = 'fgsm' and (confidence < 0.5 or label = 1) | select input, predicted | sort -input | take $k").get()
        #expect(query.sql == "SELECT t.input_index AS input, t.predicted_label AS predicted FROM traces t WHERE ((t.tag = ?) AND ((t.confidence < ?) OR (t.true_label = ?))) ORDER BY input DESC LIMIT ?")
        #expect(query.arguments == [.string("fgsm"), .number(0.5), .integer(1), .parameter("k")])
        #expect(query.parameterNames == ["k"])
        #expect(!query.sql.contains("fgsm"), "values are bound, never pasted")
    }

    @Test func relatedTracesAreExistsSubqueries() throws {
        let parent = try compileQuery("from traces where tag = 'fgsm' and parent(correct and confidence > $c) | select input").get()
        #expect(parent.arguments == [.string("fgsm"), .parameter("c")])
        // Nested relations get their own aliases; attributes follow the trace they are about.
        let nested = try compileQuery("from traces where child(parent(attr('cam') = 'x')) | select input").get()
        #expect(nested.sql.contains("t.id IN (SELECT COALESCE((SELECT MIN(q.id) FROM traces q INDEXED BY traces_by_input WHERE q.tag = child1.parent_tag AND q.input_index = child1.parent_index AND q.model_id = child1.model_id), -1) FROM traces child1 WHERE child1.parent_index >= 0 AND"))
        #expect(nested.sql.contains("EXISTS (SELECT 1 FROM traces parent2 WHERE parent2.id = (SELECT MIN(q.id) FROM traces q INDEXED BY traces_by_input WHERE q.tag = child1.parent_tag"))
        #expect(nested.sql.contains("a.trace_id = parent2.id"))
        #expect(compilationOutcome("from traces where child(tag = 'fgms')").contains("no tag 'fgms'; did you mean 'fgsm'?"))
        #expect(compilationOutcome("from traces where parent(label)").contains("error[E043]: expected a condition here"))
        #expect(compilationOutcome("from traces | nodes of layer 1 | summarize mean by node | where child(correct)").contains("error[E042]: 'child(…)' is about traces"))
        #expect(compilationOutcome("from traces where parent = 3 and tag = 'fgsm'").hasPrefix("compiled"), "parent without parentheses is still the column")
    }

    @Test func diagnosticsPointAtTheProblem() {
        #expect(compilationOutcome("from traces where tag = 'fgms'") == """
            <query>:1:25: error[E027]: no tag 'fgms'; did you mean 'fgsm'?
              from traces where tag = 'fgms'
                                      ^~~~~~
              note: the store's tags: clean, fgsm

            """)
        #expect(compilationOutcome("from traces | select input, lable").hasPrefix("<query>:1:29: error[E029]: no trace column 'lable'; did you mean 'label'?"))
        #expect(compilationOutcome("from traces | nodes of layer 7 | summarize mean by node").hasPrefix("<query>:1:30: error[E022]: no layer 7: the models have layers 0–2"))
        #expect(compilationOutcome("from traces | nodes of layer 1 | where label = 1").contains("error[E020]: 'where' after 'nodes of layer' filters the node rows"))
        #expect(compilationOutcome("from traces | summarize mean by node").contains("error[E023]"))
        #expect(compilationOutcome("from traces where").hasPrefix("<query>:1:18: error[E010]: expected a value or a name, found the end of the query"))
        #expect(compilationOutcome("select * from traces").hasPrefix("<query>:1:1: error[E010]: expected 'from' to start a query"))
        #expect(compilationOutcome("from traces | nodes of layer 1 | summarize meen by node").contains("no measure 'meen'; did you mean 'mean'?"))
        #expect(compilationOutcome("from traces | nodes of layer 1 | summarize mean by lable, node").contains("no group 'lable'; did you mean 'label'?"))
        #expect(compilationOutcome("from traces | nodes of layer 1 | summarize mean by nodes").contains("error[E024]: a summary is by node, layer or edge"))
        #expect(compilationOutcome("from traces | summarize median by layer").contains("error[E038]: quantiles are per node"))
        #expect(compilationOutcome("from traces | nodes of layer 1 | summarize entropy by node").hasPrefix("<query>:1:44: error[E058]: entropy is a measure of a layer's values in one trace"))
        #expect(compilationOutcome("from traces | edges into layer 2 | summarize entropy by edge").contains("error[E058]"))
        #expect(compilationOutcome("from traces | nodes of layer 1 | summarize entropy by layer | versus parent").contains("error[E031]"))
        #expect(compilationOutcome("from traces | nodes of layer 1 | summarize dispersion by node | versus parent").hasPrefix("compiled"))
        #expect(compilationOutcome("from traces | nodes of layer 1 | summarize mean, effect by node").contains("error[E037]: 'effect' compares two sets"))
        #expect(compilationOutcome("from traces | nodes of layer 1 | summarize mean, distance by node | versus traces where tag = 'clean'")
            .contains("error[E046]: 'distance' compares each trace with its own parent: use | versus parent"))
        #expect(compilationOutcome("from traces | nodes of layer 1 | summarize max_distance by node | versus parent").contains("error[E039]"))
        #expect(compilationOutcome("from traces | nodes of layer 1 | summarize mean by tag, node | versus traces").contains("error[E041]"))
        #expect(compilationOutcome("from traces | nodes of layer 1 | summarize p90 by node | versus parent").contains("error[E031]"))
        #expect(compilationOutcome("from traces | edges into layer 2 | summarize mean, freq by edge | versus parent").contains("error[E031]"))
        #expect(compilationOutcome("from traces | edges into layer 2 | summarize mean by edge | versus parent").hasPrefix("compiled"))
        #expect(compilationOutcome("from traces | lineage forward depth 2 top 1").contains("error[E036]: 'lineage forward' needs a node to start from"))
        #expect(compilationOutcome("from traces | lineage contrast from 2:0 depth 1 top 1").hasPrefix("<query>:1:15: error[E059]: 'lineage contrast' walks back from the predicted output"))
        #expect(compilationOutcome("from traces | lineage depth 1 top 1 | versus traces where tag = 'clean'").contains("error[E030]: a lineage is compared with each trace's own parent's"))
        #expect(compilationOutcome("from traces | lineage depth 1 top 1 | versus parent | versus parent").contains("error[E030]"))
        #expect(compilationOutcome("from traces | lineage depth 1 top 1 | where step = 1 | versus parent").contains("error[E045]"))
        #expect(compilationOutcome("from traces | summarize mean by edge").contains("error[E023]: 'summarize … by edge' needs 'edges into layer N'"))
        #expect(compilationOutcome("from traces where tag = 3") == """
            <query>:1:19: error[E044]: cannot compare a string value with an integer value
              from traces where tag = 3
                                ^~~~~~~
              note: strings are quoted: tag = 'clean'

            """)
        #expect(compilationOutcome("from traces where label").contains("error[E043]: expected a condition here, found an integer value"))
        #expect(compilationOutcome("from traces where correct and confidence + 1").contains("error[E043]"))
        #expect(compilationOutcome("from traces where abs(tag) > 1").contains("error[E043]: expected a number here, found a string value"))
        #expect(compilationOutcome("from traces where model = 'mpl'").contains("no model 'mpl'; did you mean 'mlp'?"))
        #expect(compilationOutcome("from traces | edges into layer 2 | where contribution").contains("error[E043]"))
        #expect(compilationOutcome("from traces where label = $l and confidence > $c and not correct").hasPrefix("compiled"))
        #expect(compilationOutcome("from traces | edges into layer 2 | where contributon > 1").contains("no column 'contributon'; did you mean 'contribution'?"))
        #expect(compilationOutcome("from traces | nodes of layer 1 | where label = 1 | summarize mean by node").contains("error[E020]"))
        #expect(compilationOutcome("from traces where attr(source) = 1").contains("error[E010]: expected the attribute's key as a string"))
        #expect(compilationOutcome("from traces | sort input | nodes of layer 1 | summarize mean by node") == """
            <query>:1:28: error[E045]: 'nodes of layer' cannot follow 'sort': it changes what the rows are
              from traces | sort input | nodes of layer 1 | summarize mean by node
                                         ^~~~~~~~~~~~~~~~
              note: compute first, then filter, sort and take: | summarize mean by node | where mean > 1 | sort -mean | take 5

            """)
        #expect(compilationOutcome("from traces | nodes of layer 1 | summarize mean by node | where mean > 1 | versus parent")
            .contains("error[E045]: 'versus' cannot follow 'where' on the rows"))
        #expect(compilationOutcome("from traces | take 3 | sort -input").contains("error[E045]: 'sort' cannot follow 'take': 'take' ends a query"))
        #expect(compilationOutcome("from traces | sort -input | where tag = 'clean' | take 2").hasPrefix("compiled"), "a trace filter after sort is still a filter")
    }
}

/// Comparisons and edge queries.
@Suite struct ComparisonAndEdgeQueryTests {
    private func compile(_ text: String) throws -> CompiledQuery {
        try QueryCompiler.compile(SourceText(text), catalog: QueryCompilerTests.catalog).get()
    }

    @Test func versusJoinsTwoSummaries() throws {
        let query = try compile("from traces where tag = $a | nodes of layer $layer | summarize mean by node | versus traces where tag = $b | sort -abs(mean_diff) | take $k")
        #expect(query.arguments == [.parameter("a"), .parameter("layer"), .parameter("b"), .parameter("layer"), .parameter("k")])
        #expect(query.columns == ["layer", "node", "mean_a", "mean_b", "mean_diff"])
    }

    @Test func edgesIntoADenseLayer() throws {
        let query = try compile("from traces where tag = 'clean' and input = 3 | edges into layer 2 | sort -contribution | take 2")
        #expect(query.columns == ["trace", "tag", "input", "source", "target", "contribution"])
        // The layer twice: the edges derived from maps (none for a dense layer), the dense edges.
        #expect(query.arguments == [.string("clean"), .integer(3), .integer(2), .integer(2), .integer(2)])
        let refused = QueryCompiler.compile(SourceText("from traces | edges into layer 0"), catalog: QueryCompilerTests.catalog)
        #expect(throws: DiagnosticList.self) { try refused.get() }
    }
}

/// The lineage stage's SQL shape and checks.
@Suite struct LineageCompileTests {
    @Test func lineageIsAWalkUnrolledStepByStep() throws {
        let query = try QueryCompiler.compile(SourceText("from traces where tag = $tag and input = $input | lineage from 2:1 depth $depth top $k"),
                                              catalog: QueryCompilerTests.catalog).get()
        #expect(query.sql.hasPrefix("SELECT * FROM (WITH chosen(id, model_id, tag, input_index, value_block, value_row, predicted_label) AS MATERIALIZED (SELECT"))
        // A $depth may reach every dense layer below layer 2 (two): one table per step, each
        // empty past the depth given, each keeping its paths' $k strongest edges.
        #expect(query.sql.contains("step2(") && !query.sql.contains("step3("))
        #expect(query.arguments == [.parameter("tag"), .parameter("input"), .integer(2), .integer(1)]
                + [.parameter("depth"), .parameter("depth"), .parameter("k"), .parameter("depth"), .parameter("depth"), .parameter("k")])
        let literal = try QueryCompiler.compile(SourceText("from traces | lineage depth 1 top 2"), catalog: QueryCompilerTests.catalog).get()
        #expect(literal.sql.contains("step1(") && !literal.sql.contains("step2("), "a written depth unrolls that many steps")
        #expect(query.columns == ["trace", "tag", "input", "step", "target", "source", "contribution", "path", "flow"])
        let missing = QueryCompiler.compile(SourceText("from traces | lineage from 2:5 depth 1 top 1"), catalog: QueryCompilerTests.catalog)
        #expect(throws: DiagnosticList.self) { try missing.get() }
    }
}

/// The syntax tree's compact text (the REPL's `.ast`).
@Suite struct ParsedQueryDescriptionTests {
    @Test func stagesAndPrefixExpressions() throws {
        let text = "from traces where tag = 'fgsm' and (confidence < 0.5 or not correct) and attr('cam') = $c | nodes of layer 1"
            + " | summarize mean, effect by label, node | versus parent | where abs(diff) > 1 | sort -abs(effect), node | take 3"
        let parsed = try Parser.parse(Lexer.tokenize(SourceText(text)).tokens).get()
        #expect(parsed.description == """
            from traces
            | where (and (and (= tag 'fgsm') (or (< confidence 0.5) (not correct))) (= (attr 'cam') $c))
            | nodes of layer 1
            | summarize mean, effect by label, node
            | versus parent
            | where (> (abs diff) 1)
            | sort -(abs effect), node
            | take 3
            """)
        let related = try Parser.parse(Lexer.tokenize(SourceText("from traces where parent(child(not correct))")).tokens).get()
        #expect(related.description.hasSuffix("where (parent (child (not correct)))"))
        let lineage = try Parser.parse(Lexer.tokenize(SourceText("from traces | lineage forward from 0:5 depth $d top 2")).tokens).get()
        #expect(lineage.description.hasSuffix("| lineage forward from (node 0 5) depth $d top 2"))
    }
}
