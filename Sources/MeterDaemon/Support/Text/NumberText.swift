extension Double {
    /// "2000" for 2000.0, "0.5" for 0.5: a number as a person writes it, in messages, views and metrics.
    var plainText: String { self == rounded() && abs(self) < 1e15 ? String(Int64(self)) : String(self) }
}

extension Duration {
    /// The duration in seconds, as a Double.
    var inSeconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
