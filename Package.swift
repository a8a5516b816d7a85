// swift-tools-version:6.0
import PackageDescription

// Linux only (SwiftPM has no platform entry to say so): the drivers use Linux's GPIO character
// device (libgpiod), i2c-dev and sd_notify; there is no macOS build.
let package = Package(
    name: "meterd",
    products: [
        .executable(name: "meterd", targets: ["meterd"]),
        // For the fuzz targets (Fuzz/Package.swift) and the benchmarks (Benchmarks/Package.swift),
        // packages of their own so that `swift build` builds only meterd and its tests.
        .library(name: "ChainClient", targets: ["ChainClient"]),
        .library(name: "MeterDaemon", targets: ["MeterDaemon"]),
        .library(name: "Drivers", targets: ["Drivers"]),
        .library(name: "Cutoff", targets: ["Cutoff"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        .systemLibrary(name: "CModbus", pkgConfig: "libmodbus", providers: [.apt(["libmodbus-dev"])]),
        .systemLibrary(name: "CGpiod", pkgConfig: "libgpiod", providers: [.apt(["libgpiod-dev"])]),
        .systemLibrary(name: "CI2C", providers: [.apt(["libi2c-dev"])]),
        .systemLibrary(name: "CSecp256k1", pkgConfig: "libsecp256k1", providers: [.apt(["libsecp256k1-dev"])]),
        .systemLibrary(name: "CLinux"),
        .systemLibrary(name: "COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CSodium", pkgConfig: "libsodium", providers: [.apt(["libsodium-dev"])]),

        .target(
            name: "Drivers",
            dependencies: ["CModbus", "CGpiod", "CI2C", .product(name: "Logging", package: "swift-log")]
        ),
        .target(name: "ChainClient", dependencies: ["CSecp256k1", "COpenSSL", "CSodium", "CCurl"]),
        .target(name: "Cutoff", dependencies: ["Drivers"]),
        .target(
            name: "MeterDaemon",
            dependencies: [
                "Drivers", "ChainClient", "Cutoff", "CLinux",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "meterd",
            dependencies: [
                "MeterDaemon", "Drivers", "ChainClient",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Used only by MeterDaemonTests: appends records and prints each acknowledgement, so a
        // test can SIGKILL it at random moments and check that nothing acknowledged is lost.
        .executableTarget(name: "journal-torture", dependencies: ["MeterDaemon", "ChainClient", "Drivers"], path: "Tests/Support/JournalTorture"),

        .testTarget(name: "DriversTests", dependencies: ["Drivers"]),
        .testTarget(name: "CutoffTests", dependencies: ["Cutoff", "Drivers"]),
        .testTarget(name: "ChainClientTests", dependencies: ["ChainClient", "COpenSSL"]),
        .testTarget(name: "MeterDaemonTests", dependencies: ["MeterDaemon", "Drivers", "ChainClient", "Cutoff"]),
        .testTarget(name: "IntegrationTests", dependencies: ["MeterDaemon", "Drivers", "ChainClient"]),
    ]
)
