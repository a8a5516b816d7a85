import ArgumentParser
import ChainClient
import FoundationEssentials
import MeterDaemon

struct JournalVerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check every record's framing, checksum, hash chain and checkpoint signatures, and the journal against its anchors on chain.",
        discussion: """
            With a configuration that has [chain] (--config, $METERD_CONFIG, or \(ConfigurationLoader.defaultPath) when it exists), \
            the agreement's batches are read from [chain] start_block on: the journal must hold every journal head they anchored. \
            --offline checks the files alone.
            """
    )

    @OptionGroup var configuration: ConfigurationOption
    @OptionGroup var storage: StorageOptions

    @Flag(help: "Do not read the anchors on chain; check the files alone.")
    var offline = false

    @Option(help: ArgumentHelp("Verify against this address instead of the key file's.", valueName: "0x…"))
    var address: String?

    func run() async throws {
        let configuration = try self.configuration.loadIfPresent()
        let journalDirectory = storage.journalDirectory(for: configuration)
        let signer: Address
        if let address {
            do { signer = try Address(address) } catch { throw ValidationError("--address: \(error)") }
        } else {
            signer = try DeviceKeyFile.load(path: storage.keyPath(for: configuration), requireOwnership: false).address
        }
        var chainReading: ChainAnchorReader.Reading?
        if !offline, let chain = configuration?.chain {
            chainReading = try await readAnchors(chain, device: signer)
        }
        let report = try JournalVerifier.verify(directory: journalDirectory, signer: signer, anchors: chainReading?.anchors ?? [], progress: { progress in
            let percent = progress.bytesTotal == 0 ? 100 : progress.bytesDone * 100 / progress.bytesTotal
            Terminal.progress("verifying \(progress.segment) (\(progress.segmentIndex)/\(progress.segmentCount), \(percent)%)")
        })
        Terminal.endProgress()
        print("\(report.records) records in \(report.segments) segments, \(report.checkpoints) checkpoints signed by \(signer.checksummed)"
              + (report.keyRotations.isEmpty ? "" : " and the keys it took over from"))
        for rotation in report.keyRotations {
            print("key rotation at record \(rotation.sequence): \(rotation.old.checksummed) handed over to \(rotation.new.checksummed), signed by both")
        }
        if report.unsignedTail > 0 {
            print("\(report.unsignedTail) newest records are not yet covered by a checkpoint (a running meterd signs them at its next one)")
        }
        if let chainReading {
            print("\(report.anchors.checked) batches on chain in blocks \(chainReading.firstBlock) to \(chainReading.confirmedHead): "
                  + "the journal holds \(report.anchors.held) of their anchored heads")
        } else {
            print("not checked against the chain (\(offline ? "--offline" : "no [chain] in a configuration"))")
        }
        if let retired = report.anchors.retired {
            print("note: batches \(retired.lowerBound) to \(retired.upperBound) anchored records retention removed")
        }
        for finding in report.headFindings where !finding.isDamage { print("note: \(finding)") }
        for finding in report.anchors.findings { print("ANCHORS: \(finding)") }
        guard let first = report.problems.first else {
            guard report.anchors.findings.isEmpty else { throw ExitStatus.failure }
            print("OK")
            return
        }
        print("FIRST PROBLEM: \(first)")
        for problem in report.problems.dropFirst().prefix(20) { print("also: \(problem)") }
        if report.problems.count > 21 { print("… and \(report.problems.count - 21) more problems") }
        throw ExitStatus.failure
    }

    private func readAnchors(_ chain: ChainConfiguration, device: Address) async throws -> ChainAnchorReader.Reading {
        do {
            let reading = try await ChainAnchorReader.read(chain: chain, rpc: chain.makeRPCClient(), from: chain.startBlock, device: device) { done, total in
                Terminal.progress("reading the agreement's batches on chain: \(done) of \(total) blocks")
            }
            Terminal.endProgress()
            return reading
        } catch {
            Terminal.endProgress()
            throw CommandFailure(.failure, "cannot read the agreement's batches on chain: \(error); check [chain] rpc_urls, or run with --offline to check the files alone")
        }
    }
}
