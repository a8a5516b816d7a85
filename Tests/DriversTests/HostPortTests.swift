@testable import Drivers
import Testing

@Suite struct HostPortTests {
    @Test(arguments: [
        ("meter.local", 502, "meter.local:502"), ("10.0.0.5:1502", 502, "10.0.0.5:1502"),
        ("[::1]", 502, "[::1]:502"), ("[fe80::1]:5020", 502, "[fe80::1]:5020"), ("2001:db8::7", 502, "[2001:db8::7]:502"),
    ])
    func addressesAsPeopleWriteThem(text: String, defaultPort: Int, written: String) throws {
        #expect(try #require(HostPort(parsing: text, defaultPort: defaultPort)).description == written)
    }

    @Test(arguments: ["", ":502", "host:", "host:0", "host:65536", "host:x", "[::1", "[::1]502", "[]:502", "a b:1"])
    func whatIsNoAddressIsRefused(text: String) {
        #expect(HostPort(parsing: text, defaultPort: 502) == nil)
    }

    @Test func aPortIsRequiredWhereThereIsNoDefault() {
        #expect(HostPort(parsing: "127.0.0.1", defaultPort: nil) == nil)
        #expect(HostPort(parsing: "127.0.0.1:9464", defaultPort: nil) == HostPort(host: "127.0.0.1", port: 9464))
    }
}
