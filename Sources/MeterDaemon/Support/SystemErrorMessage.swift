import FoundationEssentials
import Glibc

extension Error {
    /// What went wrong, as a person reads it: the operating system's words for a file error
    /// ("No such file or directory"), the error's own description otherwise.
    var systemMessage: String {
        if let posix = self as? POSIXError { return String(cString: strerror(posix.code.rawValue)) }
        if let cocoa = self as? CocoaError, let posix = cocoa.underlying as? POSIXError {
            return String(cString: strerror(posix.code.rawValue))
        }
        return "\(self)"
    }
}
