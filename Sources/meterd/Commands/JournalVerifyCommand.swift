import ArgumentParser
import ChainClient
import FoundationEssentials
import Glibc
import MeterDaemon

struct JournalVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check every record's framing, checksum, hash chain and checkpoint signatures."
    )

    @OptionGroup var storage: StorageOptions

    @Option(help: ArgumentHelp("Verify against this address instead of the key file's.", valueName: "0x…"))
    var address: String?

    func run() throws {
        let signer: Address
        if let address {
            do { signer = try Address(address) } catch { throw ValidationError("--address: \(error)") }
        } else {
            signer = try DeviceKeyFile.load(path: storage.keyPath, requireOwnership: false).address
        }
        let showProgress = isatty(STDERR_FILENO) == 1
        let report = try JournalVerifier.verify(directory: storage.journalDirectory, signer: signer, progress: { progress in
            guard showProgress else { return }
            let percent = progress.bytesTotal == 0 ? 100 : progress.bytesDone * 100 / progress.bytesTotal
            StandardStream.error.write("\rverifying \(progress.segment) (\(progress.segmentIndex)/\(progress.segmentCount), \(percent)%)")
        })
        if showProgress { printError("") }
        print("\(report.records) records in \(report.segments) segments, \(report.checkpoints) checkpoints signed by \(signer.checksummed)"
              + (report.keyRotations.isEmpty ? "" : " and the keys it took over from"))
        for rotation in report.keyRotations {
            print("key rotation at record \(rotation.sequence): \(rotation.old.checksummed) handed over to \(rotation.new.checksummed), signed by both")
        }
        if report.unsignedTail > 0 {
            print("\(report.unsignedTail) newest records are not yet covered by a checkpoint (a running meterd signs them at its next one)")
        }
        for finding in report.headFindings where !finding.isDamage { print("note: \(finding)") }
        guard let first = report.problems.first else {
            print("OK")
            return
        }
        print("FIRST PROBLEM: \(first)")
        for problem in report.problems.dropFirst().prefix(20) { print("also: \(problem)") }
        if report.problems.count > 21 { print("… and \(report.problems.count - 21) more problems") }
        throw ExitCode(1)
    }
}
