import Engine
import Foundation
import Testing
import TestSupport

/// Models written by the onnx package with a NaN or infinite parameter (or dimensions whose
/// product overflows) are refused at load, the message naming the file and where the number is.
@Suite struct NonFiniteParameterTests {
    struct Case: Decodable {
        var file: String
        var expect: [String]
    }

    @Test func refusedAtLoadNamingWhere() throws {
        let directory = try TemporaryDirectory()
        let result = try PythonScript.run("fixtures/make_nonfinite_models.py", arguments: [directory.url.path])
        try #require(result.status == 0, "\(result.errorOutput)")
        let cases = try JSONDecoder().decode([Case].self, from: Data(result.output.utf8))
        #expect(cases.count == 7)
        for model in cases {
            let error = #expect(throws: EngineError.self, "\(model.file)") { _ = try Model.load(path: model.file) }
            let message = error?.message ?? ""
            #expect(message.hasPrefix(model.file), "\(message)")
            for text in model.expect {
                #expect(message.contains(text), "\(message)")
            }
        }
    }
}
