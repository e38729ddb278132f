import Analysis
@testable import DeepProvCLI
import Foundation
import IPG
import Testing
import TestSupport

/// `deepprov repl` driven through a pipe, as a script or a test harness would: its answers
/// must match `deepprov query`, errors must not end the session, Ctrl-C must stop only the
/// running statement, and nothing it runs may write to the store.
@Suite struct ReplTests {
    private func repl(_ database: String, _ script: String) throws -> (stdout: String, stderr: String, status: Int32) {
        let process = try DeepProvProcess(["repl", "--db", database], environment: ["DEEPPROV_HISTORY": ""])
        process.write(script)
        return try process.finish()
    }

    @Test func answersAsTheQueryCommandDoesAndSurvivesErrors() throws {
        let directory = try TemporaryDirectory()
        let (database, _) = try QueryCommandTests.store(in: directory)
        let session = try repl(database, """
            .format csv
            from traces where tag = 'clena';
            from traces where tag = $which
              | select input, label, predicted
              | sort input
              | take 3

            .params which=noisy
            from traces where tag = $which | select input, label, predicted | sort input | take 3;
            .saved node-stats layer=1
            .sql DELETE FROM traces
            .sql SELECT count(*) AS n FROM traces
            .nonsense
            .explain from traces where tag = 'clean' | take 2
            .format table
            .tokens from traces | take $k
            .ast from traces where not correct | take 2

            """)
        #expect(session.status == 0)
        let expectedRows = try deepProvOutput(["query", "--db", database, "--format", "csv",
                                               "from traces where tag = 'noisy' | select input, label, predicted | sort input | take 3"])
        let expectedStats = try deepProvOutput(["query", "--db", database, "--saved", "node-stats", "--param", "tag=clean", "--param", "layer=1", "--format", "csv"])
        let expectedSQL = try deepProvOutput(["query", "--db", database, "--explain", "from traces where tag = 'clean' | take 2"])
        let phases = """
            format table
            1:1\tidentifier("from")
            1:6\tidentifier("traces")
            1:13\tsymbol("|")
            1:15\tidentifier("take")
            1:20\tparameter("k")
            1:22\tendOfInput

            """
        #expect(session.stdout.hasPrefix("format csv\n$which = noisy\n" + expectedRows + expectedStats + "n\n40\n" + expectedSQL + phases))
        #expect(session.stdout.hasSuffix("from traces\n| where (not correct)\n| take 2\n"))
        // Each error is reported and the next input still runs.
        #expect(session.stderr.contains("<repl:1>:1:25: error[E027]: no tag 'clena'; did you mean 'clean'?"))
        #expect(session.stderr.contains("the query needs $which: set it with .params which=VALUE"))
        #expect(session.stderr.contains("attempt to write a readonly database"))
        #expect(session.stderr.contains("no command .nonsense"))
    }

    @Test func controlCStopsTheRunningStatementOnly() throws {
        let directory = try TemporaryDirectory()
        let (database, _) = try QueryCommandTests.store(in: directory)
        let process = try DeepProvProcess(["repl", "--db", database], environment: ["DEEPPROV_HISTORY": ""])
        process.write(".sql WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c\n")
        Thread.sleep(forTimeInterval: 1)
        process.interrupt()
        process.write(".format csv\nfrom traces where tag = 'clean' | select input | sort input | take 2;\n")
        let session = try process.finish()
        #expect(session.status == 0)
        #expect(session.stderr.contains("interrupted"))
        #expect(session.stdout.hasSuffix("input\n0\n1\n"))
    }

    @Test func completesCommandsNamesTagsAndLayers() {
        let catalog = Catalog(
            models: [.init(fingerprint: "f", name: "m", layers: (0..<3).map { .init(index: $0, name: "l\($0)", kind: .dense, nodeCount: 2, nodeSize: 1) })],
            tags: ["clean", "fgsm", "fgsm-train"])
        let completion = ReplCompletion(catalog: catalog, savedQueries: ["node-stats", "misclassified"], parameters: ["tag", "k"])
        #expect(completion.candidates(before: "", word: ".sa") == [".saved"])
        #expect(completion.candidates(before: ".saved ", word: "n") == ["node-stats"])
        #expect(completion.candidates(before: ".format ", word: "") == ["table", "csv", "json"])
        #expect(completion.candidates(before: "from traces where tag = ", word: "'fg") == ["'fgsm'", "'fgsm-train'"])
        #expect(completion.candidates(before: "from traces | nodes of layer ", word: "") == ["0", "1", "2"])
        #expect(completion.candidates(before: "from traces | ", word: "summ") == ["summarize"])
        #expect(completion.candidates(before: "from traces where ", word: "conf") == ["confidence"])
        #expect(completion.candidates(before: "from traces where tag = ", word: "$") == ["$tag", "$k"])
        #expect(completion.candidates(before: "", word: "fr") == ["from"])
    }
}

/// Installed binaries carry the saved queries: the copy must match `Queries/`.
@Suite struct EmbeddedSavedQueryTests {
    @Test func embeddedCopyMatchesTheQueriesFolder() throws {
        let folder = FixturePaths.repositoryRoot.appendingPathComponent("Queries")
        let fromFolder = try SavedQueryLibrary(folder: folder).all()
        let embedded = try SavedQueryLibrary(folder: nil).all()
        #expect(embedded.map(\.name) == fromFolder.map(\.name), "run scripts/embed-resources")
        #expect(embedded.map(\.source.text) == fromFolder.map(\.source.text), "run scripts/embed-resources")
        #expect(fromFolder.count >= 6)
    }
}
