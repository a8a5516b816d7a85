extension Double {
    /// "1" for 1.0, "0.5" for 0.5: a duration as a person writes it.
    var secondsText: String { self == rounded() && abs(self) < 1e15 ? String(Int(self)) : String(self) }
}

extension Duration {
    /// The duration in seconds, as a Double.
    var inSeconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
