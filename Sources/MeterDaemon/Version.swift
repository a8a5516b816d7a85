/// meterd's version, shown by `meterd --version` and journaled at start.
public enum MeterdVersion {
    public static let current = "0.1.0"
}
