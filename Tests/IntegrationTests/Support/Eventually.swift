import Foundation

/// Whether `condition` holds within `seconds`, checked every 0.2 s and once more at the end: a test
/// task starved by the parallel run may wake only after the deadline, and must still see what
/// happened meanwhile rather than fail for having looked too rarely.
func eventually(within seconds: Double, _ condition: () throws -> Bool) async throws -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try condition() { return true }
        try await Task.sleep(nanoseconds: 200_000_000)
    }
    return try condition()
}
