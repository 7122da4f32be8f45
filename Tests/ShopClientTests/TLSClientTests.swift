import Foundation
import ShopWire
import XCTest
@testable import ShopClient

/// TLS and mutual TLS against a stock grpcio server with certificates made by the openssl CLI.
final class TLSClientTests: XCTestCase {
    private static let unaryPath = MethodPath(service: "test.Probe", method: "Unary")
    nonisolated(unsafe) private static var certificates: TestCertificates?

    private func certs() throws -> TestCertificates {
        if let certificates = Self.certificates { return certificates }
        let made = try TestCertificates()
        Self.certificates = made
        return made
    }

    private func call(_ server: PythonTestServer, host: String = "127.0.0.1", _ tls: TLSConfiguration) async throws -> GRPCStatus {
        let connection = try ClientConnection(target: "\(host):\(server.port)", tls: tls)
        defer { connection.shutdown() }
        let response = await connection.unary(Self.unaryPath, request: Array("secure".utf8))
        if response.status.code == .ok { XCTAssertEqual(response.message, Array("secure".utf8)) }
        return response.status
    }

    func testTLSWithTrustedCA() async throws {
        let certs = try certs()
        let server = try PythonTestServer(tls: .init(certificateFile: certs.serverCert, keyFile: certs.serverKey))
        defer { server.stop() }
        let byIP = try await call(server, TLSConfiguration(caFile: certs.caCert))
        XCTAssertEqual(byIP.code, .ok, "\(byIP)")
        let byName = try await call(server, host: "localhost", TLSConfiguration(caFile: certs.caCert))
        XCTAssertEqual(byName.code, .ok, "\(byName)")
    }

    func testUntrustedServerCertificateIsRejected() async throws {
        let certs = try certs()
        let server = try PythonTestServer(tls: .init(certificateFile: certs.serverCert, keyFile: certs.serverKey))
        defer { server.stop() }
        let status = try await call(server, TLSConfiguration(caFile: certs.otherCACert))
        XCTAssertEqual(status.code, .unavailable)
        XCTAssertTrue(status.message.contains("certificate verification failed"), status.message)
        let unverified = try await call(server, TLSConfiguration(caFile: certs.otherCACert, verifyPeer: false))
        XCTAssertEqual(unverified.code, .ok, "verification can be turned off explicitly")
    }

    func testServerNameMustMatchCertificate() async throws {
        let certs = try certs()
        let server = try PythonTestServer(tls: .init(certificateFile: certs.serverCert, keyFile: certs.serverKey))
        defer { server.stop() }
        let wrong = try await call(server, TLSConfiguration(caFile: certs.caCert, serverName: "shop.example.com"))
        XCTAssertEqual(wrong.code, .unavailable)
        let right = try await call(server, TLSConfiguration(caFile: certs.caCert, serverName: "localhost"))
        XCTAssertEqual(right.code, .ok, "\(right)")
    }

    func testMutualTLS() async throws {
        let certs = try certs()
        let server = try PythonTestServer(tls: .init(certificateFile: certs.serverCert, keyFile: certs.serverKey,
                                                     clientCAFile: certs.caCert))
        defer { server.stop() }
        let withoutCert = try await call(server, TLSConfiguration(caFile: certs.caCert))
        XCTAssertEqual(withoutCert.code, .unavailable, "the server demands a client certificate")
        let withCert = try await call(server, TLSConfiguration(caFile: certs.caCert, certificateFile: certs.clientCert,
                                                                keyFile: certs.clientKey))
        XCTAssertEqual(withCert.code, .ok, "\(withCert)")
    }

    func testBadCertificateFilesAreClearErrors() throws {
        let certs = try certs()
        XCTAssertThrowsError(try ClientConnection(target: "127.0.0.1:1", tls: TLSConfiguration(caFile: "/nonexistent/ca.pem"))) { error in
            XCTAssertTrue("\(error)".contains("cannot load CA file"), "\(error)")
        }
        XCTAssertThrowsError(try ClientConnection(target: "127.0.0.1:1", tls: TLSConfiguration(
            certificateFile: certs.clientCert, keyFile: certs.serverKey))) { error in
            XCTAssertTrue("\(error)".contains("mismatch") || "\(error)".contains("does not match"), "\(error)")
        }
        XCTAssertThrowsError(try ClientConnection(target: "127.0.0.1:1", tls: TLSConfiguration(certificateFile: certs.clientCert))) { error in
            XCTAssertTrue("\(error)".contains("both"), "\(error)")
        }
    }
}
