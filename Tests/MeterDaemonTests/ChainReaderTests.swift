@testable import ChainClient
import Foundation
import Testing
@testable import MeterDaemon

@Suite struct ChainReaderTests {
    static let base = """
        [meterd]
        \(ConfigurationLoaderTests.profiles)
        [meters.demo]
        kind = "simulated"
        seed = 7

        """

    func parse(_ chain: String) throws(MeterdError) -> MeterdConfiguration {
        try ConfigurationLoader.parse(try TOMLSource(path: "meterd.toml", text: Self.base + chain))
    }

    @Test func aBesuSectionWithDefaults() throws {
        let configuration = try parse("""
            [chain]
            rpc_urls = ["http://127.0.0.1:8545"]
            chain_id = 1337
            network = "besu"
            contract = "0x5FbDB2315678afecb367f032d93F642f64180aa3"
            agreement_id = 3
            """)
        let chain = try #require(configuration.chain)
        #expect(chain.network == .besu && chain.chainID == 1337 && chain.agreementID == 3)
        #expect(chain.confirmations == 0, "Besu (QBFT) is final when mined")
        #expect(chain.feePolicy.ceilingPerGas == 100_000_000_000 && chain.feePolicy.dailyGasBudget == 5_000_000)
        #expect(chain.eventFinality == .depth(0))
        #expect(chain.watchIntervalSeconds == 120, "within 2,000 calls a day (BENCHMARKS.md, rpc-watch)")
        #expect(chain.senderStatePath == "/var/lib/meterd/chain/transactions.json")
        #expect(chain.transportLimits == TransportLimits(connectTimeout: 5, requestTimeout: 20, maximumResponseBytes: 8 << 20))
    }

    @Test func withoutAChainSectionNothingIsSubmitted() throws {
        #expect(try parse("").chain == nil)
    }

    @Test func everyProblemIsNamedWithItsLine() throws {
        do {
            _ = try parse("""
                [chain]
                rpc_urls = ["127.0.0.1:8545"]
                network = "ethereum"
                contract = "0x5fbDB2315678afecb367f032d93F642f64180aa3"
                agreement_id = -1
                gas_price_wei = 5
                confirmatons = 3
                proxy = "ftp://10.1.1.1:21"
                """)
            Issue.record("accepted")
        } catch {
            let text = error.description
            for expected in ["chain.rpc_urls: \"127.0.0.1:8545\" is not an http:// or https:// URL", "chain.chain_id: is missing",
                             "chain.contract: '0x5fbDB2315678afecb367f032d93F642f64180aa3' has mixed case but its EIP-55 checksum is wrong",
                             "chain.agreement_id: is -1, must be between 0", "chain.gas_price_wei: is only used with network = \"besu\"",
                             "chain.confirmatons: is not a known key here (did you mean confirmations?)",
                             "meterd.toml:13: chain.proxy: \"ftp://10.1.1.1:21\" is not an http://, https://, socks4:// or socks5:// proxy URL (scheme ftp)"] {
                #expect(text.contains(expected), "\(expected)\n\(text)")
            }
        }
    }

    /// Every key etc/meterd.toml documents in its commented [chain] section is one the reader takes.
    @Test func theDocumentedSectionParses() throws {
        let text = try String(contentsOfFile: RepositoryPaths.defaultConfiguration, encoding: .utf8)
        let lines = text.components(separatedBy: "\n")
        let start = try #require(lines.firstIndex(of: "# [chain]"))
        let section = lines[start...].filter { $0.hasPrefix("# ") && ($0.dropFirst(2).first.map { $0.isLetter || $0 == "[" } ?? false) }
            .map { String($0.dropFirst(2)) }.filter { $0.hasPrefix("[") || $0.contains(" = ") }
        let configuration = try parse(section.joined(separator: "\n").replacingOccurrences(of: "network = \"ethereum\"", with: "network = \"besu\""))
        let chain = try #require(configuration.chain)
        #expect(chain.rpcURLs.count == 2 && chain.gasPrice == 0 && chain.confirmations == 12 && chain.logRangeBlocks == 2000)
        #expect(chain.transportLimits.proxy == "http://proxy.example:3128")
        #expect(chain.watchIntervalSeconds == 120 && chain.receiptPollSeconds == 5, "the example states the defaults")
    }
}
