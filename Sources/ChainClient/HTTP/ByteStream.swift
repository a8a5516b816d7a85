/// A connected stream that an HTTP exchange is written to and read from, plain or TLS.
protocol ByteStream: AnyObject {
    /// Writes all of `bytes` before `deadline`.
    func send(_ bytes: [UInt8], before deadline: ContinuousClock.Instant) throws(TransportFailure)
    /// Reads what has arrived (waiting for something until `deadline`); an empty array at the end of the stream.
    func receive(upTo count: Int, before deadline: ContinuousClock.Instant) throws(TransportFailure) -> [UInt8]
}

extension ContinuousClock.Instant {
    /// Milliseconds left until this instant, for poll(2); never negative.
    var millisecondsLeft: Int32 {
        let left = ContinuousClock.now.duration(to: self).components
        guard left.seconds >= 0 else { return 0 }
        return Int32(clamping: left.seconds * 1000 + left.attoseconds / 1_000_000_000_000_000 + 1)
    }

    var hasPassed: Bool { ContinuousClock.now >= self }
}
