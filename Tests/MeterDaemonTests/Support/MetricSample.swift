extension String {
    /// Whether this Prometheus text has `sample` as a whole line (a HELP text may contain it too).
    func hasSample(_ sample: String) -> Bool {
        split(separator: "\n").contains { $0 == sample }
    }
}
