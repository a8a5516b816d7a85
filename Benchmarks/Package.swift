// swift-tools-version:6.0
// The benchmarks (figures in BENCHMARKS.md), a package of their own so that `swift build` at the
// root builds only meterd and its tests. Run one with
//   swift run -c release --package-path Benchmarks CutoffBenchmark
import PackageDescription

func benchmark(_ name: String, _ modules: [String]) -> Target {
    .executableTarget(name: name, dependencies: modules.map { .product(name: $0, package: "meterd") }, path: name)
}

let package = Package(
    name: "meterd-benchmarks",
    // The name, not the folder's: a clone may live in a folder of any name.
    dependencies: [.package(name: "meterd", path: "..")],
    targets: [
        benchmark("CutoffBenchmark", ["Cutoff", "MeterDaemon", "Drivers", "ChainClient"]),
        benchmark("JournalBenchmark", ["MeterDaemon", "ChainClient", "Drivers"]),
        benchmark("ChainBenchmark", ["ChainClient"]),
    ]
)
