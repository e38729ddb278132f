import ArgumentParser
import IPG

/// The `deepprov` command tree.
public struct DeepProvCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "deepprov",
        abstract: "Record, question and repair how a neural network reaches its decisions.",
        version: DeepProvVersion.current,
        subcommands: [
            CaptureCommand.self, IngestCommand.self, ExportCommand.self, InfoCommand.self, EvaluateCommand.self,
            QueryCommand.self, ForensicsCommand.self, ReplCommand.self, SQLCommand.self, MigrateCommand.self, TrainCommand.self, AttackCommand.self,
            RepairCommand.self, RepairsCommand.self, CharacterizeCommand.self,
        ]
    )

    public init() {}
}
