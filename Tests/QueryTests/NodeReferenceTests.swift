import Query
import Testing

/// A lineage's `source` and `target` are node references: a `where` compares them with a
/// `layer:node` literal (bound as an argument) and refuses plain numbers and strings, saying
/// how to write the node. Edge lists name their ends the same way.
@Suite struct NodeReferenceTests {
    private let lineage = "from traces where input = 0 | lineage depth 2 top 1"

    @Test func aNodeReferenceIsBoundAsTheTextALineageWrites() throws {
        let query = try compileQuery(lineage + " | where target = 2:0 or source != 0:3").get()
        #expect(query.sql.hasSuffix(" JOIN chosen c ON c.id = g.trace_id) AS r WHERE ((r.target = ?) OR (r.source != ?)) ORDER BY r.input, r.trace, r.step, r.contribution DESC, "
                                    + "CAST(substr(r.target, 1, instr(r.target, ':') - 1) AS INTEGER), CAST(substr(r.target, instr(r.target, ':') + 1) AS INTEGER), "
                                    + "CAST(substr(r.source, 1, instr(r.source, ':') - 1) AS INTEGER), CAST(substr(r.source, instr(r.source, ':') + 1) AS INTEGER)"),
                "node references sort by layer, then node, as numbers")
        #expect(Array(query.arguments.suffix(2)) == [.string("2:0"), .string("0:3")])
        #expect(!query.sql.contains("2:0"), "never pasted")
        #expect(renderedDiagnostics(lineage + " | where target = $node") == nil, "a parameter's type is known when it runs")
    }

    @Test func aNodeColumnComparedWithANumberOrStringSaysHowToWriteANode() {
        let number = lineage + " | where target = 1"
        #expect(renderedDiagnostics(number) == """
            <query>:1:61: error[E051]: 'target' holds node references (layer:node), not integers
              \(number)
                                                                          ^~~~~~~~~~
              note: write the node with its layer, unquoted: target = L:1 for node 1 of layer L (e.g. target = 2:1)

            """)
        #expect(renderedDiagnostics(lineage + " | where source = '1:2'")?.contains("error[E051]: 'source' holds node references (layer:node), not strings") == true)
        #expect(renderedDiagnostics(lineage + " | where source = '1:2'")?.contains("note: write the node unquoted: source = 1:2") == true)
        #expect(renderedDiagnostics(lineage + " | where 0.5 = target")?.contains("error[E051]") == true)
        #expect(renderedDiagnostics(lineage + " | where target < 2:0")?.contains("error[E052]: node references compare with = and != only, not '<'") == true)
        #expect(renderedDiagnostics(lineage + " | where step = 2:0")?.contains("error[E044]: cannot compare a node reference with an integer value") == true)
        #expect(renderedDiagnostics("from traces where label = 2:0")?.contains("error[E044]") == true)
        #expect(renderedDiagnostics(lineage + " | where target + 1 > 2")?.contains("error[E043]: expected a number here, found a node reference value") == true)
        #expect(renderedDiagnostics("from traces | take 2:0")?.contains("error[E028]") == true)
    }

    @Test func aComparedNodeMustBeOneTheModelsHave() throws {
        let missing = lineage + " | where target = 9:9"
        #expect(renderedDiagnostics(missing)?.hasPrefix("<query>:1:70: error[E035]: no node 9:9 in the models\n") == true)
        let query = try compileQuery(lineage + " | where target = $node").get()
        #expect(query.problems(withParameters: ["node": .string("2:1")]).isEmpty)
        #expect(query.problems(withParameters: ["node": .string("2:7")]).map(\.message) == ["no node 2:7 in the models (the value of $node)"])
        let number = query.problems(withParameters: ["node": .integer(1)])
        #expect(number.map(\.message) == ["'target' holds node references (layer:node); $node = 1 is not one"])
        #expect(number.first?.notes == ["write the node with its layer, unquoted: target = L:1 for node 1 of layer L (e.g. target = 2:1)"])
        #expect(number.first?.span == Span(69, 74), "at the parameter")
        #expect(query.problems(withParameters: ["node": .string("2:")]).map(\.code.rawValue) == ["E051"])
        #expect(query.problems(withParameters: ["node": .string("-1:0")]).map(\.code.rawValue) == ["E051"])
    }

    @Test func edgeRowsNameTheirEndsByNodeReferencesLikeLineageRows() throws {
        let query = try compileQuery("from traces | edges into layer 2 | where target = 2:1 and source != 1:0").get()
        #expect(Array(query.arguments.suffix(2)) == [.string("2:1"), .string("1:0")])
        #expect(renderedDiagnostics("from traces | edges into layer 2 | where target = 1")?.contains("error[E051]: 'target' holds node references (layer:node), not integers") == true)
        // layer(…) and node(…) take a node reference apart, as whole numbers.
        let parts = try compileQuery("from traces | edges into layer 2 | derive into = layer(target), index = node(target) | where index = 1").get()
        #expect(parts.outputColumns.suffix(2) == [OutputColumn("into", .integer), OutputColumn("index", .integer)])
        #expect(parts.sql.contains("CAST(substr(r.target, instr(r.target, ':') + 1) AS INTEGER)"))
        #expect(renderedDiagnostics("from traces | edges into layer 2 | derive x = node(contribution)")?.contains("error[E043]: expected a node reference here") == true)
    }

    @Test func everyOutputColumnIsTyped() throws {
        let types = { (text: String) throws -> [String] in
            let parsed = try Parser.parse(Lexer.tokenize(SourceText(text)).tokens).get()
            return try Binder.bind(parsed, catalog: QueryCompilerTests.catalog).get().outputColumns.map { "\($0.name):\($0.type.rawValue)" }
        }
        #expect(try types(lineage) == ["trace:integer", "tag:string", "input:integer", "step:integer", "target:node", "source:node", "contribution:number", "path:string", "flow:number"])
        #expect(try types("from traces | edges into layer 2") == ["trace:integer", "tag:string", "input:integer", "source:node", "target:node", "contribution:number"])
        #expect(try types("from traces | nodes of layer 1 | summarize count, p90 by tag, node") == ["tag:string", "layer:integer", "node:integer", "count:integer", "p90:number"])
        #expect(try types("from traces | nodes of layer 1 | summarize count, mean, effect by label, node | versus traces where tag = 'fgsm'")
            == ["label:integer", "layer:integer", "node:integer", "count_a:integer", "count_b:integer", "count_diff:integer", "mean_a:number", "mean_b:number", "mean_diff:number", "effect:number"])
        #expect(try types("from traces") == ["input:integer", "tag:string", "label:integer", "predicted:integer", "confidence:number"])
        #expect(renderedDiagnostics("from traces | nodes of layer 1 | summarize count by node | where count = 'x'")?.contains("error[E044]: cannot compare an integer value with a string value") == true)
    }
}
