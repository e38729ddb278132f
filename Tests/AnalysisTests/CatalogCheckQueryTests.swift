import Analysis
import Query
import Store
import Testing
import TestSupport

/// On a real store: values compared with a tag, a model or a class, and the tags a `versus
/// parent` pairs, are checked against the store's catalog, literals and given `$parameter`
/// values alike.
@Suite struct CatalogCheckQueryTests {
    @Test func givenValuesAreCheckedAgainstTheStore() throws {
        let directory = try TemporaryDirectory()
        let (database, _) = try StoreFixtures.pairedStore(in: directory)
        let session = QuerySession(backend: try ProvenanceStore(path: database, access: .readOnly))
        let saved = try SavedQuery(text: """
            # name: by-tag
            # description: a tag's node means
            # param: tag string clean
            # param: layer integer 1
            # param: label integer 0
            from traces where tag = $tag and label = $label | nodes of layer $layer | summarize mean by node
            """, file: "by-tag.dpq")
        #expect(refusal(session, "", declared: saved) == nil)
        let tag = refusal(session, "", given: ["tag": "shfit"], declared: saved)
        #expect(tag?.contains("error[E027]: no tag 'shfit' (the value of $tag); did you mean 'shift'?") == true, "\(tag ?? "accepted")")
        #expect(tag?.contains("from traces where tag = $tag and label") == true, "rendered at the parameter")
        #expect(refusal(session, "from traces where tag = 'shfit' | select input")?.contains("error[E027]: no tag 'shfit'; did you mean 'shift'?") == true)
        let layer = refusal(session, "", given: ["layer": "9"], declared: saved)
        #expect(layer?.contains("error[E022]: no layer 9: the models have layers 0–2") == true, "\(layer ?? "accepted")")
        // The model's last layer has 2 nodes: classes 0 and 1.
        let label = refusal(session, "", given: ["label": "2"], declared: saved)
        #expect(label?.contains("error[E053]: 'label' is a class from 0 to 1: it never equals 2 (the value of $label)") == true, "\(label ?? "accepted")")
        #expect(refusal(session, "from traces where predicted = 2 | select input")?.contains("error[E053]") == true)
        #expect(try queryCSV(database, "from traces where tag = 'clean' and label = 1 | select input").count > 1)
        // A default is the saved query's author's choice, not checked; the same value given is.
        let absentDefault = try SavedQuery(text: "# name: fgsm\n# description: d\n# param: tag string fgsm\nfrom traces where tag = $tag | select input", file: "fgsm.dpq")
        #expect(refusal(session, "", declared: absentDefault) == nil)
        #expect(refusal(session, "", given: ["tag": "fgsm"], declared: absentDefault)?.contains("error[E027]: no tag 'fgsm' (the value of $tag)") == true)
        let sessionValue = try? session.prepare(SourceText("from traces where tag = $tag | select input"), parameters: QueryParameters(session: ["tag": "fgsm"]))
        #expect(sessionValue == nil, "session values are checked")
    }

    @Test func versusParentOverTagsWithoutParentsIsRefused() throws {
        let directory = try TemporaryDirectory()
        let (database, traces) = try StoreFixtures.pairedStore(in: directory)
        let store = try ProvenanceStore(path: database, access: .readOnly)
        // Recomputed from the traces written: only the shifted copies have parents.
        let parented = Set(traces.filter { $0.metadata.parent != nil }.map(\.metadata.tag)).sorted()
        #expect(try store.catalog(includingParentTags: true).tagsWithParents == parented && parented == ["shift"])
        #expect(try store.catalog().tagsWithParents == nil, "only queries that pair read which tags have parents")
        let session = QuerySession(backend: store)
        let paired = " | nodes of layer 1 | summarize mean by node | versus parent"
        #expect(refusal(session, "from traces where tag = 'clean'" + paired)?.contains("error[E054]: 'versus parent' pairs traces with their parents, and the traces of tag 'clean' have none") == true)
        #expect(refusal(session, "from traces where tag = $tag" + paired, given: ["tag": "clean"])?.contains("error[E054]") == true)
        #expect(try queryCSV(database, "from traces where tag = 'shift'" + paired).count == 4)
    }
}
