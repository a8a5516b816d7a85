import Glibc

/// Whether a user can open a device node for reading and writing, judged from the node's owner,
/// group and mode and the user's groups: what the kernel will decide when the service opens it.
enum DeviceAccess {
    enum Verdict: Equatable, Sendable {
        case accessible
        case missing
        /// The user exists but may not open the device; `fix` says how to let it.
        case denied(fix: String)
        /// The user does not exist on this machine; only the current user could be checked.
        case unknownUser(currentUserCanOpen: Bool)
    }

    static func check(path: String, user: String) -> Verdict {
        var info = stat()
        guard stat(path, &info) == 0 else { return .missing }
        guard let account = getpwnam(user) else {
            return .unknownUser(currentUserCanOpen: access(path, R_OK | W_OK) == 0)
        }
        let uid = account.pointee.pw_uid
        let primaryGroup = account.pointee.pw_gid
        if uid == 0 { return .accessible }
        let mode = info.st_mode
        if info.st_uid == uid, mode & (S_IRUSR | S_IWUSR) == (S_IRUSR | S_IWUSR) { return .accessible }
        if groups(of: user, primary: primaryGroup).contains(info.st_gid), mode & (S_IRGRP | S_IWGRP) == (S_IRGRP | S_IWGRP) {
            return .accessible
        }
        if mode & (S_IROTH | S_IWOTH) == (S_IROTH | S_IWOTH) { return .accessible }
        let groupName = getgrgid(info.st_gid).map { String(cString: $0.pointee.gr_name) } ?? String(info.st_gid)
        if mode & (S_IRGRP | S_IWGRP) == (S_IRGRP | S_IWGRP) {
            return .denied(fix: "add the user to group '\(groupName)': usermod -aG \(groupName) \(user), then restart meterd")
        }
        return .denied(fix: "the device's mode does not let group '\(groupName)' read and write it: add a udev rule with MODE=\"0660\"")
    }

    private static func groups(of user: String, primary: gid_t) -> [gid_t] {
        var count: Int32 = 64
        var groups = [gid_t](repeating: 0, count: Int(count))
        if getgrouplist(user, primary, &groups, &count) == -1 {
            groups = [gid_t](repeating: 0, count: Int(count))
            _ = getgrouplist(user, primary, &groups, &count)
        }
        return Array(groups.prefix(Int(max(0, count))))
    }
}
