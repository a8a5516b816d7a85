import ServiceLifecycle

/// The loop condition of every daemon service: keep going until cancelled or asked to shut down.
var keepRunning: Bool { !Task.isCancelled && !Task.isShuttingDownGracefully }

/// Sleeps, but wakes at once when a graceful shutdown (SIGTERM) begins.
func pause(seconds: Double) async {
    guard seconds > 0 else { return }
    try? await cancelWhenGracefulShutdown {
        try await Task.sleep(nanoseconds: UInt64(seconds * 1e9))
    }
}
