import ArgumentParser
import MeterDaemon

struct ConfigCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check the configuration: syntax, keys, types, profiles, and that the service user can open every device.",
        discussion: "Prints one line per problem, naming the file, line and key. Exit status 0 when the configuration is usable, 78 when not."
    )

    @OptionGroup var options: ConfigurationOption

    func run() throws {
        let check = ConfigurationCheck.run(path: options.config)
        for note in check.notes { Terminal.warning(note) }
        guard check.passed, let configuration = check.configuration else {
            throw CommandFailure(.configuration, check.problems.map(\.description).joined(separator: "\n"))
        }
        let buses = configuration.buses.count
        Terminal.output("\(options.config): ok, \(configuration.meters.count) meter(s) on \(buses) bus(es): "
                        + configuration.meters.map(\.name).joined(separator: ", "))
    }
}
