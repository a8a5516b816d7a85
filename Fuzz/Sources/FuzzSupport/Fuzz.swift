import CLibFuzzer
import Glibc

nonisolated(unsafe) private var input: (([UInt8]) -> Void)?

/// Runs libFuzzer with `body` as the test of one input; libFuzzer's flags and corpus directories
/// come from the command line. Never returns.
public func fuzz(_ body: @escaping ([UInt8]) -> Void) -> Never {
    input = body
    var argc = CommandLine.argc
    var argv = Optional(CommandLine.unsafeArgv)
    exit(LLVMFuzzerRunDriver(&argc, &argv, testOneInput))
}

/// The callback libFuzzer runs per input. It also carries libFuzzer's well-known name: the linker
/// pulls libFuzzer's own main object from its archive (it needs a `main` before SwiftPM's
/// `--defsym main=<target>_main` applies), and that object refers to this symbol.
@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    input?(size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

/// A property every accepted input must have; a violation is a finding, reported like a crash.
public func check(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError("property violated: \(message())") }
}
