import Engine
import Foundation
import IPG
import Testing
import TestSupport

/// Every value DeepProv computes equals onnxruntime's on the committed fixtures, an exported
/// model runs in onnxruntime with the same outputs, and unsupported models are refused with a
/// message naming the problem.
@Suite struct ONNXRuntimeParityTests {
    static let fixtures = FixtureManifest.all

    @Test func fixturesArePresent() {
        #expect(Self.fixtures.count >= 8, "run scripts/make-fixtures")
    }

    @Test(arguments: fixtures)
    func everyValueMatchesOnnxRuntime(fixture: String) throws {
        let manifest = try FixtureManifest.load(fixture)
        let folder = FixturePaths.onnxFixture(fixture)
        let modelPath = folder.appendingPathComponent("model.onnx").path
        if let expected = manifest.expectError {
            let error = #expect(throws: EngineError.self) {
                _ = try InferenceSession(model: Model.load(path: modelPath))
            }
            #expect(error?.message.contains(expected) == true, "\(error?.message ?? "no error")")
            #expect(error?.message.contains("model.onnx") == true, "the error names the file")
            return
        }
        let session = try InferenceSession(model: Model.load(path: modelPath))
        let input = try DatasetLoader.load(inputs: folder.appendingPathComponent(manifest.input!.file).path).features
        let evaluation = try session.evaluate(input)
        for value in manifest.values! {
            let reference = try DatasetLoader.load(inputs: folder.appendingPathComponent(value.file).path).features
            let computed = try #require(evaluation[value.name], "value \(value.name) was not computed")
            #expect(computed.shape == value.shape, "\(fixture): shape of \(value.name)")
            let (close, detail) = closeToReference(computed.values, reference.values)
            #expect(close, "\(fixture): \(value.name): \(detail)")
        }
    }

    @Test(arguments: fixtures.filter { (try? FixtureManifest.load($0).expectError) == .some(nil) })
    func exportedModelRunsInOnnxRuntime(fixture: String) throws {
        let folder = FixturePaths.onnxFixture(fixture)
        let model = try Model.load(path: folder.appendingPathComponent("model.onnx").path)
        let directory = try TemporaryDirectory()
        let exported = directory.url.appendingPathComponent("exported.onnx")
        try ONNXExporter.serialize(model.graph).write(to: exported)
        let inputPath = folder.appendingPathComponent(try FixtureManifest.load(fixture).input!.file).path
        let outputPath = directory.url.appendingPathComponent("out.npy").path
        let result = try PythonScript.run("fixtures/run_onnxruntime.py", arguments: [exported.path, inputPath, outputPath])
        #expect(result.status == 0, "onnxruntime failed on the exported model: \(result.errorOutput)")
        let ours = try InferenceSession(model: model).run(DatasetLoader.load(inputs: inputPath).features)
        let theirs = try DatasetLoader.load(inputs: outputPath).features
        let (close, detail) = closeToReference(ours.values, theirs.values)
        #expect(close, "\(fixture): \(detail)")
    }
}
