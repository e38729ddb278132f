import ArgumentParser
@testable import DeepProvCLI
import Foundation
import Testing
import TestSupport

/// A bad option value gets a message saying what is wrong with it: negative numbers reach the
/// check (not "Missing value"), NaN is not called negative, a bad threshold says why, and a
/// missing file is named.
@Suite struct OptionMessageTests {
    @Test(arguments: [
        (["capture", "--limit", "-1"], "Error: The value '-1' is invalid for '--limit <limit>': must be positive"),
        (["capture", "--limit", "ten"], "Error: The value 'ten' is invalid for '--limit <limit>': not a whole number"),
        (["evaluate", "--batch-size", "-5"], "Error: The value '-5' is invalid for '--batch-size <batch-size>': must be positive"),
        (["attack", "--threads", "0"], "Error: The value '0' is invalid for '--threads <threads>': must be positive"),
    ])
    func numericOptionsOfTheSharedGroups(arguments: [String], message: String) throws {
        let result = try DeepProvProcess(arguments + ["--model", "m.onnx", "--inputs", "x.npy"]).finish()
        #expect(result.status == 64, "a usage error")
        #expect(result.stderr.hasPrefix(message + "\n"), "\(result.stderr)")
    }

    @Test(arguments: [
        (["attack", "--eps", "-0.1"], "The value '-0.1' is invalid for '--eps <eps>': must not be negative"),
        (["attack", "--eps", "nan"], "The value 'nan' is invalid for '--eps <eps>': must be a finite number"),
        (["attack", "--eps", "inf"], "The value 'inf' is invalid for '--eps <eps>': must be a finite number"),
        (["attack", "--eps", "big"], "The value 'big' is invalid for '--eps <eps>': not a number"),
        (["attack", "--eps", "0.1", "--step", "-1"], "The value '-1' is invalid for '--step <step>': must be positive"),
        (["attack", "--eps", "0.1", "--step", "nan"], "The value 'nan' is invalid for '--step <step>': must be a finite number"),
        (["attack", "--eps", "0.1", "--step", "0"], "The value '0' is invalid for '--step <step>': must be positive"),
        (["attack", "--eps", "0.1", "--iterations", "-3"], "The value '-3' is invalid for '--iterations <iterations>': must be positive"),
        (["capture", "--out", "x.ipgz", "--threshold", "relu=-1"], "The value 'relu=-1' is invalid for '--threshold <threshold>': the threshold must not be negative"),
        (["capture", "--out", "x.ipgz", "--threshold", "relu=nan"], "The value 'relu=nan' is invalid for '--threshold <threshold>': the threshold must be a finite number"),
        (["capture", "--out", "x.ipgz", "--threshold", "relu=x"], "The value 'relu=x' is invalid for '--threshold <threshold>': the threshold 'x' is not a number"),
        (["capture", "--out", "x.ipgz", "--threshold", "relu"], "The value 'relu' is invalid for '--threshold <threshold>': expected FUNCTION=VALUE, e.g. relu=1e-5"),
        (["capture", "--out", "x.ipgz", "--threshold", "gelu=1"],
         "The value 'gelu=1' is invalid for '--threshold <threshold>': 'gelu' is not an activation function (identity, relu, leaky_relu, sigmoid, tanh)"),
        (["capture", "--out", "x.ipgz", "--attribute", "=x"], "The value '=x' is invalid for '--attribute <attribute>': the key before '=' is empty"),
        (["capture", "--out", "x.ipgz", "--attribute", "x"], "The value 'x' is invalid for '--attribute <attribute>': expected KEY=VALUE"),
    ])
    func commandOptionsSayWhatIsWrong(arguments: [String], message: String) throws {
        let result = try DeepProvProcess(arguments + ["--model", "m.onnx", "--inputs", "x.npy", "--attack", "fgsm"].suffix(arguments[0] == "attack" ? 6 : 4)).finish()
        #expect(result.status == 64, "a usage error: \(result.stderr)")
        #expect(result.stderr.hasPrefix("Error: " + message + "\n"), "\(result.stderr)")
    }

    @Test func goodValuesParse() throws {
        let parsed = try CaptureCommand.parse(["--model", "m.onnx", "--inputs", "x.npy", "--out", "x.ipgz",
                                               "--threshold", "relu=1e-5", "--threshold", "tanh=0.5", "--attribute", "k=a=b"])
        #expect(parsed.thresholds.thresholds[.relu] == 1e-5)
        #expect(parsed.thresholds.thresholds[.tanh] == 0.5)
        #expect(parsed.attributes.map(\.pair.value) == ["a=b"])
        let attack = try AttackCommand.parse(["--model", "m.onnx", "--inputs", "x.npy", "--attack", "pgd", "--eps", "0", "--step", "0.01", "--out", "a.npy"])
        #expect(attack.eps == 0 && attack.step == 0.01)
    }

    @Test func textFileNamesAMissingOrUnreadableFile() throws {
        func failure(_ path: String) -> String? {
            do {
                _ = try TextFile.contents(of: path)
                return nil
            } catch {
                return "\(error)"
            }
        }
        let directory = try TemporaryDirectory()
        let missing = directory.path("absent.dpq")
        #expect(failure(missing) == "\(missing): cannot read: No such file or directory")
        #expect(failure(directory.url.path) == "\(directory.url.path): cannot read: Is a directory")
        let binary = directory.path("binary.dpq")
        try Data([0x66, 0xFF, 0xFE]).write(to: URL(fileURLWithPath: binary))
        #expect(failure(binary) == "\(binary): not UTF-8 text")
        let good = directory.path("good.dpq")
        try "from traces | take 1\n".write(toFile: good, atomically: true, encoding: .utf8)
        #expect(try TextFile.contents(of: good) == "from traces | take 1\n")
    }
}
