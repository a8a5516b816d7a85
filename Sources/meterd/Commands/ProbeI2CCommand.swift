import ArgumentParser
import Drivers
import FoundationEssentials

struct ProbeI2CCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "i2c",
        abstract: "List the addresses that answer on an I2C bus and the supported chip at each.",
        discussion: "Only addresses where a supported chip can sit are read for identification (ADE7953 at 0x38, INA228 at 0x40-0x4F)."
    )

    @Option(help: ArgumentHelp("The I2C bus number: /dev/i2c-N.", valueName: "n"))
    var bus: Int

    func validate() throws {
        if !(0...255).contains(bus) { throw ValidationError("--bus takes 0 to 255") }
    }

    func run() throws {
        let results: [I2CProbeResult]
        do {
            let adapter = try LinuxI2CBus(busNumber: bus)
            results = try I2CProbe(bus: adapter).scan { progress in
                Terminal.progress("scanning \(I2CAddressFormat.hex(progress.address)) (\(progress.scanned)/\(progress.total))")
            }
        } catch {
            Terminal.endProgress()
            throw CommandFailure(.failure, error.description)
        }
        Terminal.endProgress()
        guard !results.isEmpty else {
            Terminal.output("/dev/i2c-\(bus): no device answers; check the HAT is seated and powered")
            throw ExitStatus.failure
        }
        for result in results { Terminal.output("/dev/i2c-\(bus) \(result)") }
    }
}
