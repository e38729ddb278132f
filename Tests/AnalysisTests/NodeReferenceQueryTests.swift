import Analysis
import Engine
import IPG
import Query
import Store
import Testing
import TestSupport

/// On a real store: a lineage's `target` compared with a node reference picks the edges into
/// that node (checked against the engine's IPG), a plain number there is refused, and values
/// given for `$parameters` are checked against the catalog as literals are.
@Suite struct NodeReferenceQueryTests {
    /// The session's diagnostics for `text` with `given` parameter values, rendered; nil when
    /// it prepares.
    private func refusal(_ session: QuerySession, _ text: String, given: [String: String] = [:], declared saved: SavedQuery? = nil) -> String? {
        do {
            if let saved { _ = try session.prepare(saved, parameters: QueryParameters(given: given)) }
            else { _ = try session.prepare(SourceText(text), parameters: QueryParameters(given: given)) }
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func targetEqualToANodeReferenceGivesTheEdgesIntoThatNode() throws {
        let directory = try TemporaryDirectory()
        let (database, traces) = try StoreFixtures.pairedStore(in: directory)
        let capture = try ProvenanceCapture(session: InferenceSession(model: TinyModels.gemmReluScaledGemm()), sampleShape: [2])
        // Back one step from the predicted output with top 3 (fc1's width): every active edge
        // into it. Only traces predicting class 0 start at 2:0.
        var expected: Set<String> = []
        for trace in traces where trace.metadata.tag == "clean" && trace.metadata.predictedLabel == 0 {
            let graph = InferenceProvenanceGraph(topology: capture.topology, trace: trace)
            for edge in graph.edges where edge.target == NodeID(layer: 2, index: 0) {
                expected.insert("\(trace.metadata.inputIndex) \(edge.source)->\(edge.target)")
            }
        }
        #expect(expected.count > 10)
        let rows = try queryCSV(database, "from traces where tag = 'clean' | lineage depth 1 top 3 | where target = 2:0")
        #expect(rows.first == ["input", "step", "target", "source", "contribution", "path", "flow"])
        #expect(Set(rows.dropFirst().map { "\($0[0]) \($0[3])->\($0[2])" }) == expected)
        #expect(rows.count - 1 == expected.count)
        let deeper = try queryCSV(database, "from traces where tag = 'clean' | lineage depth 2 top 3 | where target = 2:0 and step = 1")
        #expect(Set(deeper.dropFirst().map { "\($0[0]) \($0[3])->\($0[2])" }) == expected, "the same first step, deeper")
        let intoHidden = try queryCSV(database, "from traces where tag = 'clean' | lineage depth 2 top 3 | where target = 1:1")
        #expect(!intoHidden.dropFirst().isEmpty && intoHidden.dropFirst().allSatisfy { $0[1] == "2" && $0[2] == "1:1" && $0[3].hasPrefix("0:") })
        let parameter = try QuerySession(backend: ProvenanceStore(path: database, access: .readOnly))
        let prepared = try parameter.prepare(SourceText("from traces where tag = 'clean' | lineage depth 1 top 3 | where target = $node"), parameters: QueryParameters(given: ["node": "2:0"]))
        #expect(try parameter.run(prepared).table.rows.count == expected.count, "a parameter holding a node reference")
    }

    @Test func targetEqualToAPlainNumberIsADiagnostic() throws {
        let directory = try TemporaryDirectory()
        let (database, _) = try StoreFixtures.pairedStore(in: directory)
        let session = QuerySession(backend: try ProvenanceStore(path: database, access: .readOnly))
        let refused = refusal(session, "from traces | lineage depth 2 top 3 | where target = 1")
        #expect(refused?.contains("error[E051]: 'target' holds node references (layer:node), not integers") == true, "\(refused ?? "accepted")")
        #expect(refused?.contains("target = 2:1") == true, "says how to write a node")
        // Edge lists keep bare node indices: there `target = 1` is right.
        let edges = try queryCSV(database, "from traces where tag = 'clean' and input = 0 | edges into layer 2 | where target = 1")
        #expect(edges.dropFirst().allSatisfy { $0[1] == "1" } && edges.count > 1)
    }

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
}
