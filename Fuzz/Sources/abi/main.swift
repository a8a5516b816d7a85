// ABI decoding of what the contract returns and logs: the first byte picks one of the agreement's
// events (the rest is its indexed topics, then its data, decoded as the event watcher does) or one of
// the function outputs and a few nested shapes. Property: decoded values encode and decode back to
// the same values.
@testable import ChainClient
import FuzzSupport

let events = AgreementABI.events
let shapes: [[ABIType]] = AgreementABI.functions.map(\.outputs).filter { !$0.isEmpty } + [
    [.string, .bytes, .array(.uint(256))],
    [.array(.tuple([.address, .string])), .fixedArray(.bytes, 2)],
    [.int(128), .fixedBytes(7), .bool, .array(.array(.int(8)))],
]

func roundTrip(_ data: [UInt8], _ types: [ABIType]) {
    guard let values = try? ABIDecoder.decode(data, as: types) else { return }
    do {
        let encoded = try ABIEncoder.encode(values, as: types)
        check(try ABIDecoder.decode(encoded, as: types) == values, "ABI values changed in an encode/decode round trip as \(types)")
    } catch {
        check(false, "decoded ABI values do not encode again as \(types): \(error)")
    }
}

fuzz { bytes in
    guard let selector = bytes.first else { return }
    let rest = Array(bytes.dropFirst())
    let choice = Int(selector) % (events.count + shapes.count)
    guard choice < events.count else { return roundTrip(rest, shapes[choice - events.count]) }
    let event = events[choice]
    var topics = [event.topic]
    var offset = 0
    for _ in event.parameters.filter(\.indexed) where rest.count - offset >= 32 {
        topics.append(Array(rest[offset..<(offset + 32)]))
        offset += 32
    }
    let data = Array(rest[offset...])
    roundTrip(data, event.parameters.filter { !$0.indexed }.map(\.type))
    let log = Log(address: Address(unchecked: [UInt8](repeating: 0x11, count: 20)), topics: topics, data: data, blockNumber: 1,
                  blockHash: [UInt8](repeating: 0, count: 32), transactionHash: [UInt8](repeating: 0, count: 32), logIndex: 0, removed: false)
    if let decoded = try? AgreementEvent.decode(log) { _ = decoded.event.description }
}
