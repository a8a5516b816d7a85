import Glibc

/// The names of this process's users, for messages and journal records.
public enum SystemUser {
    /// The login name of `uid`, or "uid N" when the user database has none.
    public static func name(of uid: uid_t) -> String {
        if let entry = getpwuid(uid), let name = entry.pointee.pw_name { return String(cString: name) }
        return "uid \(uid)"
    }
}
