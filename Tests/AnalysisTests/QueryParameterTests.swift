import Analysis
import Foundation
import Query
import Store
import Testing
import TestSupport

/// Parameters are typed by the saved query's header, checked against what the query has,
/// and bound (never pasted); answers are checked against the store read another way.
@Suite struct QueryParameterTests {
    static let header = """
        # name: by-tag
        # description: traces of a tag with a minimum true label
        # param: tag string clean
        # param: label integer 0
        # param: confidence number 0

        """

    private func session() throws -> (QuerySession, TemporaryDirectory) {
        let directory = try TemporaryDirectory()
        try StoreFixtures.store(at: directory.path("s.sqlite"), count: 12, seed: 3, tags: ["clean", "1e5"])
        return (QuerySession(backend: try ProvenanceStore(path: directory.path("s.sqlite"), access: .readOnly)), directory)
    }

    private func saved(_ body: String) throws -> SavedQuery {
        try SavedQuery(text: Self.header + body, file: "by-tag.dpq")
    }

    @Test func stringParameterBindsTextEvenWhenItReadsAsANumber() throws {
        let (session, _directory) = try session()
        let query = try saved("from traces where tag = $tag and label >= $label and confidence >= $confidence | select input, label")
        let prepared = try session.prepare(query, parameters: QueryParameters(given: ["tag": "1e5"]))
        #expect(prepared.arguments.contains(.text("1e5")))
        let rows = try session.run(prepared).table.rows
        // Recomputed with plain SQL on the same store.
        let expected = try session.run(sql: "SELECT COUNT(*) FROM traces WHERE tag = '1e5'", arguments: []).table.rows
        #expect(expected == [[.integer(Int64(rows.count))]])
        #expect(rows.count == 6)
        _ = _directory
    }

    @Test func numberParametersRefuseTextNamingTheParameter() throws {
        let (session, _directory) = try session()
        let query = try saved("from traces where tag = $tag and label >= $label and confidence >= $confidence | select input")
        #expect(throws: QueryFailure.invalidParameter(name: "label", kind: .integer, value: "two")) {
            try session.prepare(query, parameters: QueryParameters(given: ["label": "two"]))
        }
        #expect(throws: QueryFailure.invalidParameter(name: "confidence", kind: .number, value: "nan")) {
            try session.prepare(query, parameters: QueryParameters(given: ["confidence": "nan"]))
        }
        let failure = QueryFailure.invalidParameter(name: "label", kind: .integer, value: "two")
        #expect(failure.description == "parameter $label is an integer; 'two' is not one")
        _ = _directory
    }

    @Test func givenParametersMustExistButSessionParametersMayGoUnused() throws {
        let (session, _directory) = try session()
        let text = SourceText("from traces where tag = $tag | select input")
        #expect(throws: QueryFailure.undeclaredParameter(name: "tga", known: ["tag"])) {
            try session.prepare(text, parameters: QueryParameters(given: ["tag": "clean", "tga": "x"]))
        }
        #expect(QueryFailure.undeclaredParameter(name: "tga", known: ["tag"]).description
            == "the query has no parameter $tga; did you mean 'tag'? (its parameters: $tag)")
        let prepared = try session.prepare(text, parameters: QueryParameters(session: ["tag": "clean", "layer": "2"]))
        #expect(prepared.arguments == [.text("clean")])
        #expect(throws: QueryFailure.missingParameter(name: "tag")) { try session.prepare(text, parameters: QueryParameters()) }
        _ = _directory
    }

    @Test func givenValuesWinOverSessionValuesWhichWinOverDefaults() throws {
        let (session, _directory) = try session()
        let query = try saved("from traces where tag = $tag and label >= $label and confidence >= $confidence | select input")
        let defaults = try session.prepare(query, parameters: QueryParameters())
        #expect(defaults.arguments.contains(.text("clean")) && defaults.arguments.contains(.integer(0)))
        let fromSession = try session.prepare(query, parameters: QueryParameters(session: ["label": "1"]))
        #expect(fromSession.arguments.contains(.integer(1)))
        let given = try session.prepare(query, parameters: QueryParameters(given: ["label": "2"], session: ["label": "1"]))
        #expect(given.arguments.contains(.integer(2)) && !given.arguments.contains(.integer(1)))
        _ = _directory
    }
}
