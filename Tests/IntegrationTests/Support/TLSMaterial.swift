import Foundation

/// The certificates of Tests/Peers/tls_material.py in a throwaway directory: a test root (ca.pem),
/// good and bad leaf chains, and their key.
struct TLSMaterial {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("meterd-tls-\(UUID().uuidString)")
        let made = try ChildProcess.run(DevChain.python, [ChildProcess.peer("tls_material.py"), directory.path])
        guard made.status == 0 else { throw DevChain.Failure(description: "tls_material.py failed: \(made.output)") }
    }

    /// One of the files tls_material.py names: "ca.pem", "good.pem", "expired.pem", …
    func file(_ name: String) -> String { directory.appendingPathComponent(name).path }
    var key: String { file("key.pem") }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}
