import IPG
import Query
import Testing

/// `sort` by an expression, `derive` and `select` on computed rows: their SQL, the order of
/// their bound arguments, the columns' types and their diagnostics.
@Suite struct RowStageTests {
    private func outputColumns(_ text: String) throws -> [OutputColumn] {
        let parsed = try Parser.parse(Lexer.tokenize(SourceText(text)).tokens).get()
        return try Binder.bind(parsed, catalog: QueryCompilerTests.catalog).get().outputColumns
    }

    private let comparison = "from traces where tag = 'fgsm' | nodes of layer 1 | summarize count, mean, stddev by node | versus traces where tag = 'clean'"

    @Test func sortKeysAreExpressionsOverTheRows() throws {
        let query = try compileQuery(comparison + " | sort -abs(mean_diff / stddev_b), -(mean_a - mean_b) | take 2").get()
        #expect(query.sql.hasSuffix(") AS r ORDER BY abs((r.mean_diff / r.stddev_b)) DESC, (r.mean_a - r.mean_b) DESC, r.node LIMIT ?"))
        #expect(query.sql.hasPrefix("SELECT * FROM (WITH a AS MATERIALIZED"))
        // Sorted by a column's name alone, the statement stays as it was.
        let plain = try compileQuery(comparison + " | sort -mean_diff").get()
        #expect(plain.sql.hasSuffix(" ORDER BY mean_diff DESC, node") && !plain.sql.hasPrefix("SELECT * FROM ("))
        #expect(compilationOutcome(comparison + " | sort -(node + 'x')").contains("error[E043]: expected a number here, found a string value"))
        #expect(compilationOutcome(comparison + " | sort -abs(mean_dif)").contains("error[E029]: no column 'mean_dif'; did you mean 'mean_diff'?"))
    }

    @Test func derivedColumnsAreTypedAndReadByLaterStages() throws {
        let text = comparison + " | derive z = mean_diff / stddev_b, gap = count_a - count_b, big = abs(z) > 2 | where big and gap >= 0 | sort -abs(z) | take $k"
        #expect(try outputColumns(text).suffix(3) == [OutputColumn("z", .number), OutputColumn("gap", .integer), OutputColumn("big", .boolean)])
        let query = try compileQuery(text).get()
        #expect(query.columns.suffix(4) == ["stddev_diff", "z", "gap", "big"])
        // Derived columns are written out where they are read: no name of them reaches a clause.
        #expect(query.sql.hasPrefix("SELECT r.layer AS \"layer\", r.node AS \"node\", r.count_a AS \"count_a\""))
        #expect(query.sql.contains(", (r.mean_diff / r.stddev_b) AS \"z\", (r.count_a - r.count_b) AS \"gap\", (abs((r.mean_diff / r.stddev_b)) > ?) AS \"big\" FROM (WITH"))
        #expect(query.sql.hasSuffix(") AS r WHERE ((abs((r.mean_diff / r.stddev_b)) > ?) AND ((r.count_a - r.count_b) >= ?)) ORDER BY abs((r.mean_diff / r.stddev_b)) DESC, r.node LIMIT ?"))
        // Placeholders in text order: the derived columns' before the computed rows'.
        #expect(query.arguments == [.integer(2), .string("fgsm"), .integer(1), .string("clean"), .integer(1), .integer(2), .integer(0), .parameter("k")])
    }

    @Test func derivedAndRenamedNamesMustBeNew() {
        let taken = compilationOutcome(comparison + " | derive mean_a = mean_b")
        #expect(taken.hasPrefix("<query>:1:136: error[E055]: the rows already have a column 'mean_a'\n"))
        #expect(taken.hasSuffix("  note: give the new column another name (derive z = …), or rename with select … as …\n"))
        #expect(compilationOutcome(comparison + " | derive z = 1, z = 2").contains("error[E055]: the rows already have a column 'z'"))
        #expect(compilationOutcome("from traces | edges into layer 1 | select source, contribution as source").contains("error[E055]"))
        #expect(compilationOutcome("from traces | edges into layer 1 | derive order = contribution * 2 | sort -order").hasPrefix("compiled: SELECT r.trace AS \"trace\", r.tag AS \"tag\", r.input AS \"input\", r.source AS \"source\", r.target AS \"target\", r.contribution AS \"contribution\", (r.contribution * ?) AS \"order\""),
                "a name that is an SQL keyword is quoted")
    }

    @Test func selectKeepsTheRowsColumns() throws {
        #expect(try outputColumns("from traces | edges into layer 2 | select contribution as weight, target") == [OutputColumn("weight", .number), OutputColumn("target", .node)])
        let query = try compileQuery("from traces | edges into layer 2 | sort -abs(contribution) | select target | take 3").get()
        #expect(query.sql.hasPrefix("SELECT r.target AS \"target\" FROM (WITH chosen"))
        #expect(query.sql.hasSuffix(") AS r ORDER BY abs(r.contribution) DESC, r.input, r.trace, "
                                    + "CAST(substr(r.target, 1, instr(r.target, ':') - 1) AS INTEGER), CAST(substr(r.target, instr(r.target, ':') + 1) AS INTEGER), "
                                    + "CAST(substr(r.source, 1, instr(r.source, ':') - 1) AS INTEGER), CAST(substr(r.source, instr(r.source, ':') + 1) AS INTEGER) LIMIT ?"),
                "a sort reads columns a later select leaves out")
        #expect(compilationOutcome("from traces | edges into layer 2 | select target | sort -contribution") == """
            <query>:1:58: error[E029]: no column 'contribution'
              from traces | edges into layer 2 | select target | sort -contribution
                                                                       ^~~~~~~~~~~~
              note: an earlier 'select' left 'contribution' out: use it before that select, or keep it there
              note: known: target

            """)
        // A select of trace columns still decides a listing, and renames it with 'as'.
        #expect(try outputColumns("from traces | select input as position, confidence") == [OutputColumn("position", .integer), OutputColumn("confidence", .number)])
        // `nodes of layer` with no summary lists node values, which select picks from like any rows.
        #expect(try outputColumns("from traces | nodes of layer 1") == [OutputColumn("trace", .integer), OutputColumn("tag", .string), OutputColumn("input", .integer),
                                                                          OutputColumn("layer", .integer), OutputColumn("node", .integer), OutputColumn("value", .number)])
        #expect(try outputColumns("from traces | nodes of layer 1 | where value > 0 | select node, value as v") == [OutputColumn("node", .integer), OutputColumn("v", .number)])
        // A trace listing selects its parent's columns.
        #expect(try outputColumns("from traces | select input, parent.confidence, parent.correct") == [OutputColumn("input", .integer), OutputColumn("parent_confidence", .number), OutputColumn("parent_correct", .boolean)])
        #expect(compilationOutcome("from traces where parent.correct").contains("error[E029]: 'parent.correct' is a column a trace listing can select; a condition on the parent is written parent(…)"))
        #expect(compilationOutcome("from traces | select parent.confidance").contains("no trace column 'parent.confidance'; did you mean 'parent.confidence'?"))
        // After a node summary (and a comparison) select keeps the rows' columns like anywhere else.
        #expect(try outputColumns("from traces | nodes of layer 1 | summarize mean, freq by node | select freq, node as unit")
                == [OutputColumn("freq", .number), OutputColumn("unit", .integer)])
        #expect(try outputColumns("from traces where tag = 'fgsm' | nodes of layer 1 | summarize mean by node | versus traces where tag = 'clean' | sort -mean_diff | select node")
                == [OutputColumn("node", .integer)])
    }

    @Test func rowsAreComputedBeforeTheyAreDerivedFrom() {
        #expect(compilationOutcome("from traces | edges into layer 1 | derive x = contribution * 2 | summarize mean by edge").contains("error[E045]: 'summarize' cannot follow 'derive': it changes what the rows are"))
        #expect(compilationOutcome("from traces | sort -input | select input, label | nodes of layer 1").contains("error[E045]"))
        #expect(compilationOutcome("from traces | edges into layer 1 | derive x = attr('k')").contains("error[E042]"))
        #expect(compilationOutcome("from traces | edges into layer 1 | derive x contribution").contains("error[E010]: expected '=' after the new column's name"))
    }
}

/// `summarize` over the rows computed so far: counts and functions of columns per group.
@Suite struct RowSummaryCompileTests {
    private func outputColumns(_ text: String) throws -> [OutputColumn] {
        try compileQuery(text).get().outputColumns
    }

    @Test func summariesOfRowsNameAndTypeTheirColumns() throws {
        #expect(try outputColumns("from traces where tag = 'fgsm' | summarize count, mean(correct), max(confidence) by predicted")
                == [OutputColumn("predicted", .integer), OutputColumn("count", .integer), OutputColumn("mean_correct", .number), OutputColumn("max_confidence", .number)])
        #expect(try outputColumns("from traces | summarize count") == [OutputColumn("count", .integer)])
        #expect(try outputColumns("from traces | lineage depth 2 top 2 | where step = 2 | summarize count, sum(flow), stddev(flow) by path")
                == [OutputColumn("path", .string), OutputColumn("count", .integer), OutputColumn("sum_flow", .number), OutputColumn("stddev_flow", .number)])
        #expect(try outputColumns("from traces | edges into layer 2 | summarize count, mean(contribution) by target")
                == [OutputColumn("target", .node), OutputColumn("count", .integer), OutputColumn("mean_contribution", .number)])
        // The grouped rows are rows like any: filtered, derived from, sorted, taken, summarized again.
        #expect(try outputColumns("from traces | summarize count by label, predicted | where label != predicted | derive share = count / 2 | sort -count | take 3")
                == [OutputColumn("label", .integer), OutputColumn("predicted", .integer), OutputColumn("count", .integer), OutputColumn("share", .integer)])
        #expect(try outputColumns("from traces | summarize count by label, predicted | summarize max(count) by label")
                == [OutputColumn("label", .integer), OutputColumn("max_count", .integer)])
    }

    @Test func mistakesInSummariesOfRowsAreDiagnostics() {
        #expect(compilationOutcome("from traces | summarize mean by predicted").contains("error[E056]: 'mean' of which column? write mean(<column>)"))
        #expect(compilationOutcome("from traces | summarize count(input)").contains("error[E056]"))
        #expect(compilationOutcome("from traces | summarize count by predicetd").contains("no column 'predicetd'; did you mean 'predicted'?"))
        #expect(compilationOutcome("from traces | summarize mean(tag) by label").contains("error[E043]"))
        #expect(compilationOutcome("from traces | summarize median(confidence)").contains("no function of the rows 'median'"))
        #expect(compilationOutcome("from traces | summarize count by label | versus parent").contains("error[E030]"))
        #expect(compilationOutcome("from traces | sort input | summarize count by label").contains("error[E045]"))
        #expect(compilationOutcome("from traces | summarize count by label, label").contains("error[E055]"))
        // Node and edge measures keep their meaning and their diagnostics.
        #expect(compilationOutcome("from traces | nodes of layer 1 | summarize mean by nodes").contains("error[E024]"))
        #expect(compilationOutcome("from traces | edges into layer 2 | where contribution > 0 | summarize mean by edge").contains("error[E045]"))
    }
}

/// `nearest K to trace ID in layer N`: its columns, and its mistakes as diagnostics.
@Suite struct NearestCompileTests {
    @Test func nearestNamesItsColumnsAndChecksItsValues() throws {
        #expect(try compileQuery("from traces where correct | nearest 5 to trace 12 in layer 2 by cosine").get().outputColumns.map(\.name)
                == ["trace", "tag", "input", "label", "predicted", "correct", "distance"])
        #expect(compilationOutcome("from traces | nearest 5 to trace 0 in layer 1").contains("error[E057]: no trace 0: trace ids start at 1"))
        #expect(compilationOutcome("from traces | nearest -1 to trace 3 in layer 1").contains("error[E025]"))
        #expect(compilationOutcome("from traces | nearest 5 to trace 3 in layer 9").contains("error[E022]"))
        #expect(compilationOutcome("from traces | nearest 5 to trace 3 in layer 1 by cosin").contains("no distance 'cosin'; did you mean 'cosine'?"))
        #expect(compilationOutcome("from traces | nearest 5 to trace 3 in layer 1.5").contains("error[E048]"))
        #expect(compilationOutcome("from traces | nodes of layer 1 | summarize mean by node | nearest 5 to trace 3 in layer 1").contains("error[E045]"))
        let query = try compileQuery("from traces | nearest $k to trace $t in layer $l").get()
        #expect(query.problems(withParameters: ["k": .integer(3), "t": .integer(-4), "l": .integer(1)]).map(\.code.rawValue) == ["E057"])
    }
}

/// Measures of a trace: `prob(3)`, `margin`, `entropy(2)`, `distance(2, parent)`, …
@Suite struct TraceMeasureCompileTests {
    @Test func traceMeasuresAreTypedColumnsAndConditions() throws {
        #expect(try compileQuery("from traces | select input, prob(1) as p, margin, margin(label), active(2), entropy(1), distance(1, parent), distance(2, 7)").get().outputColumns
                == [OutputColumn("input", .integer), OutputColumn("p", .number), OutputColumn("margin", .number), OutputColumn("margin_label", .number),
                    OutputColumn("active_2", .integer), OutputColumn("entropy_1", .number), OutputColumn("distance_1_parent", .number), OutputColumn("distance_2_7", .number)])
        #expect(compilationOutcome("from traces where prob(label) < 0.5 and entropy(1) > 1 and parent(margin < 1)").hasPrefix("compiled"))
        #expect(compilationOutcome("from traces where prob(2) > 0").contains("error[E053]: no class 2: the classes run from 0 to 1"))
        #expect(compilationOutcome("from traces where prob(tag) > 0").contains("error[E043]: a class is a whole number"))
        #expect(compilationOutcome("from traces where entropy(7) > 0").contains("error[E022]"))
        #expect(compilationOutcome("from traces where distance(1, 0) > 0").contains("error[E057]"))
        #expect(try compileQuery("from traces | select distance(1, centroid(tag = 'clean' and label = 1), cosine), distance(2, parent, euclidean)").get().outputColumns.map(\.name)
                == ["distance_1_centroid_cosine", "distance_2_parent_euclidean"])
        #expect(compilationOutcome("from traces | select distance(1, parent, manhattan)").contains("error[E057]: a distance is euclidean or cosine"))
        #expect(compilationOutcome("from traces | select centroid(tag = 'clean')").contains("error[E043]: 'centroid(…)' is a place to measure from"))
        #expect(compilationOutcome("from traces where distance(1, centroid(lable = 1)) > 0").contains("no trace column 'lable'"))
        #expect(compilationOutcome("from traces where entropy(1, 2) > 0").contains("error[E043]: 'entropy' takes a layer"))
        #expect(compilationOutcome("from traces | nodes of layer 1 | summarize mean by node | where prob(1) > 0").contains("error[E042]"))
        #expect(compilationOutcome("from traces where prob(1)").contains("error[E043]"), "a number is not a condition")
    }
}
