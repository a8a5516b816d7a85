import Glibc

/// Blocks the calling thread for `milliseconds` (a relay pulse or hold on the command line).
func pause<Milliseconds: BinaryInteger>(milliseconds: Milliseconds) {
    let total = Int(milliseconds)
    var request = timespec(tv_sec: total / 1000, tv_nsec: (total % 1000) * 1_000_000)
    var remaining = timespec()
    while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
}
