/// The rule for the device key file, as a pure function of what stat(2) says: a regular file, owned
/// by the user running meterd, not readable or writable by group or others.
enum KeyFilePolicy {
    static func check(path: String, mode: UInt32, ownerID: UInt32, isRegularFile: Bool,
                             runningUserID: UInt32, runningUserName: String) -> MeterdError? {
        guard isRegularFile else { return .keyNotARegularFile(path: path) }
        guard ownerID == runningUserID else { return .keyWrongOwner(path: path, ownerID: ownerID, user: runningUserName) }
        guard mode & 0o077 == 0 else { return .keyReadableByOthers(path: path, mode: mode) }
        return nil
    }
}
