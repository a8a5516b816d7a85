import Foundation

/// A throwaway certificate and key (PEM, one day) made by openssl, for an HTTPS test server.
struct SelfSignedCertificate {
    let directory: URL
    var certificate: String { directory.appendingPathComponent("cert.pem").path }
    var key: String { directory.appendingPathComponent("key.pem").path }

    /// `subjectAltName` as openssl takes it: "IP:127.0.0.1", "DNS:node.invalid".
    init(commonName: String, subjectAltName: String) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("meterd-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        openssl.arguments = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", directory.appendingPathComponent("key.pem").path,
                             "-out", directory.appendingPathComponent("cert.pem").path, "-days", "1", "-subj", "/CN=\(commonName)",
                             "-addext", "subjectAltName=\(subjectAltName)"]
        openssl.standardOutput = FileHandle.nullDevice
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        guard openssl.terminationStatus == 0 else { throw DevChain.Failure(description: "openssl could not make a certificate") }
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}
