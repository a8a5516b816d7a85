// A node's answers as meterd decodes them: receipts, blocks, logs, fee histories, and the contract's
// events inside the logs. Property: nothing traps; a log that decodes as an event decodes the same twice.
@testable import ChainClient
import FuzzSupport

fuzz { bytes in
    guard let value = try? JSONParser.parse(bytes) else { return }
    _ = try? RPCClient.blockHeader(value)
    _ = try? RPCClient.feeHistory(value)
    var logs = (try? RPCClient.logs(value)) ?? []
    if let receipt = try? RPCClient.receipt(value) { logs += receipt.logs }
    if let log = try? RPCClient.log(value) { logs.append(log) }
    for log in logs {
        let event = try? AgreementEvent.decode(log)
        check(event?.event == (try? AgreementEvent.decode(log))?.event, "decoding the same log twice differs")
        if let event { _ = event.event.description }
    }
}
