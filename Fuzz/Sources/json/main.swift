// The JSON parser every node answer and keystore goes through. Property: what it accepts, printed
// and parsed again, is the same value.
@testable import ChainClient
import FuzzSupport

fuzz { bytes in
    guard let value = try? JSONParser.parse(bytes) else { return }
    let printed = value.description
    check((try? JSONParser.parse(Array(printed.utf8))) == value, "printing and parsing again changed the value: \(printed)")
}
