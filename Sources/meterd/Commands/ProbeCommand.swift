import ArgumentParser

struct ProbeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Find meters on a bus: which addresses answer, and what they are.",
        subcommands: [ProbeModbusCommand.self, ProbeI2CCommand.self]
    )
}
