import Foundation

/// A throw-away PKI made with the openssl CLI: a CA, a server certificate for `localhost`
/// and 127.0.0.1 signed by it, a client certificate signed by it, and a second, untrusted CA.
struct TestCertificates {
    let directory: URL
    var caCert: String { path("ca.pem") }
    var otherCACert: String { path("other-ca.pem") }
    var serverCert: String { path("server.pem") }
    var serverKey: String { path("server.key") }
    var clientCert: String { path("client.pem") }
    var clientKey: String { path("client.key") }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("shop-client-certs-\(getpid())")
        try? FileManager.default.removeItem(at: directory)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try makeCA("ca")
        try makeCA("other-ca")
        try makeLeaf("server", subject: "/CN=localhost", extensions: "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth")
        try makeLeaf("client", subject: "/CN=shop-test-client", extensions: "extendedKeyUsage=clientAuth")
    }

    private func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    private func makeCA(_ name: String) throws {
        try openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                     "-keyout", path("\(name).key"), "-out", path("\(name).pem"), "-subj", "/CN=Shop Test \(name)"])
    }

    private func makeLeaf(_ name: String, subject: String, extensions: String) throws {
        try openssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", path("\(name).key"),
                     "-out", path("\(name).csr"), "-subj", subject])
        try extensions.write(toFile: path("\(name).ext"), atomically: true, encoding: .utf8)
        try openssl(["x509", "-req", "-in", path("\(name).csr"), "-CA", caCert, "-CAkey", path("ca.key"),
                     "-CAcreateserial", "-days", "2", "-out", path("\(name).pem"), "-extfile", path("\(name).ext")])
    }

    private func openssl(_ arguments: [String]) throws {
        guard PythonTestServer.run("/usr/bin/openssl", arguments) == 0 else {
            throw TestServerError("openssl \(arguments.joined(separator: " ")) failed")
        }
    }
}
