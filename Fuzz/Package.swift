// swift-tools-version:6.0
// The fuzz targets, one executable per parser that reads bytes from outside (docs/fuzzing.md).
// A package of its own so that `swift build` at the root builds only meterd and its tests; built
// by scripts/fuzz with `-sanitize=fuzzer,address`, which instruments meterd's modules too.
import PackageDescription

let chainTargets = ["json", "rpc-response", "rlp", "abi", "keystore"]
let daemonTargets = ["journal-segment", "journal-record", "configuration", "meter-profile"]
let driverTargets = ["registers"]

func fuzzTarget(_ name: String, _ module: String) -> Target {
    .executableTarget(name: name, dependencies: ["FuzzSupport", .product(name: module, package: "meterd")])
}

let package = Package(
    name: "meterd-fuzz",
    // The name, not the folder's: a clone may live in a folder of any name.
    dependencies: [.package(name: "meterd", path: "..")],
    targets: [
        .systemLibrary(name: "CLibFuzzer"),
        .target(name: "FuzzSupport", dependencies: ["CLibFuzzer"]),
    ]
        + chainTargets.map { fuzzTarget($0, "ChainClient") }
        + daemonTargets.map { fuzzTarget($0, "MeterDaemon") }
        + driverTargets.map { fuzzTarget($0, "Drivers") }
)
