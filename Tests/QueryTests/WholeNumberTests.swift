import Query
import Testing

/// Places that need a whole number (take, layers, nodes) refuse fractions and numbers beyond
/// the integers with a diagnostic at the value, for literals when the query compiles and for
/// `$parameters` when their values are known.
@Suite struct WholeNumberTests {
    /// `line 1, column of the first `needle` + 1` as a diagnostic's location prefix.
    private func location(of needle: String, in text: String) -> String {
        let column = text.unicodeScalars.count - (text.range(of: needle).map { String(text[$0.lowerBound...]).unicodeScalars.count } ?? 0) + 1
        return "<query>:1:\(column): "
    }

    @Test func takeNeedsAWholeCount() throws {
        for (count, code, message) in [
            ("1.5", "E048", "'take' needs a whole number, found 1.5"),
            ("2.0", "E048", "'take' needs a whole number, found 2.0"),
            ("9223372036854775808", "E048", "'take' needs a whole number, found 9.223372036854776e+18, beyond the whole numbers a query holds (±9223372036854775807)"),
            ("1e400", "E001", "number '1e400' is out of range"),
            ("-1", "E025", "'take' needs a count of 0 or more"),
        ] {
            let text = "from traces | sort input | take \(count)"
            #expect(renderedDiagnostics(text)?.hasPrefix(location(of: count, in: text) + "error[\(code)]: \(message)\n") == true, "\(count)")
        }
        let largest = try compileQuery("from traces | take 9223372036854775807").get()
        #expect(largest.arguments == [.integer(Int.max)])
    }

    @Test func layersAndNodesNeedWholeNumbers() {
        let layer = "from traces | nodes of layer 1.5 | summarize mean by node"
        #expect(renderedDiagnostics(layer)?.hasPrefix(location(of: "1.5", in: layer) + "error[E048]: a layer needs a whole number, found 1.5") == true)
        let edges = "from traces | edges into layer 1e3"
        #expect(renderedDiagnostics(edges)?.hasPrefix(location(of: "1e3", in: edges) + "error[E048]: a layer needs a whole number, found 1000.0") == true)
        let node = "from traces | lineage from layer 1 node 2.5 depth 1 top 1"
        #expect(renderedDiagnostics(node)?.hasPrefix(location(of: "2.5", in: node) + "error[E048]: a node needs a whole number, found 2.5") == true)
        let missing = "from traces | lineage from 2:5 depth 1 top 1"
        #expect(renderedDiagnostics(missing)?.hasPrefix(location(of: "2:5", in: missing) + "error[E035]: no node 2:5 in the models") == true)
        #expect(renderedDiagnostics("from traces | edges into layer 'one'")?.contains("error[E048]: a layer needs a whole number, found the string 'one'") == true)
    }

    @Test func wholeNumberColumnsNeverEqualFractions() {
        let label = "from traces where tag = 'clean' and label = 1.5"
        #expect(renderedDiagnostics(label)?.hasPrefix(location(of: "1.5", in: label) + "error[E050]: 'label' holds whole numbers: it never equals 1.5") == true)
        #expect(renderedDiagnostics("from traces where 9223372036854775808 != predicted")?.contains("error[E050]: 'predicted' holds whole numbers") == true)
        #expect(renderedDiagnostics("from traces where input = -0.5")?.contains("error[E050]") == true)
        for accepted in ["label = 1.0", "label < 1.5", "confidence = 0.5", "input != 3", "label = $l"] {
            #expect(renderedDiagnostics("from traces where \(accepted)") == nil, "\(accepted)")
        }
    }

    @Test func parameterValuesAreCheckedWhereTheyAreUsed() throws {
        let text = "from traces where tag = $tag | sort input | take $k"
        let query = try compileQuery(text).get()
        let source = SourceText(text)
        #expect(query.problems(withParameters: ["tag": .string("clean"), "k": .integer(3)]).isEmpty)
        #expect(query.problems(withParameters: [:]).isEmpty, "parameters without values are not checked")
        let fraction = query.problems(withParameters: ["k": .number(1.5)])
        #expect(fraction.map(\.code.rawValue) == ["E048"])
        #expect(fraction.first?.render(in: source).hasPrefix(location(of: "$k", in: text) + "error[E048]: 'take' needs a whole number, found $k = 1.5\n") == true)
        #expect(query.problems(withParameters: ["k": .integer(-2)]).map(\.message) == ["'take' needs a count of 0 or more"])
        #expect(query.problems(withParameters: ["k": .string("ten")]).map(\.message) == ["'take' needs a whole number, found $k = the string 'ten'"])

        let layers = try compileQuery("from traces | edges into layer $layer | summarize mean by edge | take $layer").get()
        #expect(layers.problems(withParameters: ["layer": .integer(0)]).map(\.code.rawValue) == ["E033"])
        #expect(layers.problems(withParameters: ["layer": .integer(3)]).map(\.message) == ["no layer 3: the models have layers 0–2"])
        #expect(layers.problems(withParameters: ["layer": .integer(2)]).isEmpty)
        let node = try compileQuery("from traces | lineage from layer $l node $n depth 1 top 1").get()
        #expect(node.problems(withParameters: ["l": .integer(2), "n": .integer(2)]).map(\.code.rawValue) == ["E035"])
        #expect(node.problems(withParameters: ["l": .integer(2), "n": .integer(1)]).isEmpty)
        #expect(node.problems(withParameters: ["l": .integer(2)]).isEmpty, "a node needs both numbers to be checked")
    }
}
