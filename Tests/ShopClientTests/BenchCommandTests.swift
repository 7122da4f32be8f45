import Foundation
import XCTest

/// The `shopctl bench` binary: metadata, TLS, and rotation through a JSON-lines file.
final class BenchCommandTests: XCTestCase {
    private func bench(_ arguments: [String]) throws -> (exitCode: Int32, report: [String: Any], stderr: String) {
        let process = Process()
        process.executableURL = try ShopctlTests.shopctlURL()
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let report = (try? JSONSerialization.jsonObject(with: stdout)) as? [String: Any] ?? [:]
        return (process.terminationStatus, report, stderr)
    }

    private func onlyRun(_ report: [String: Any]) throws -> [String: Any] {
        try XCTUnwrap((report["runs"] as? [[String: Any]])?.first, "\(report)")
    }

    func testMetadataReachesTheServer() throws {
        let server = try BenchTestServer()
        defer { server.stop() }
        let run = try bench(["--target", server.target, "bench", "-w", "health", "--total", "40", "--metadata", "fail-with=9",
                             "--format", "json"])
        XCTAssertEqual(run.exitCode, 1, "no call succeeded: \(run.stderr)")
        let result = try onlyRun(run.report)
        XCTAssertEqual(result["status_counts"] as? [String: Int], ["FAILED_PRECONDITION": 40])
        XCTAssertEqual(server.ledger.answered(.failedPrecondition), 40)
    }

    func testDataFileIsRotated() throws {
        let server = try PythonTestServer()
        defer { server.stop() }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("bench-\(UUID().uuidString).jsonl")
        try "{\"service\": \"shop.test.Serving\"}\n\n{\"service\": \"shop.test.Missing\"}\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let run = try bench(["--target", server.target, "bench", "grpc.health.v1.Health/Check", "--data-file", file.path,
                             "--total", "60", "--threads", "1", "-c", "4", "--format", "json"])
        XCTAssertEqual(run.exitCode, 0, run.stderr)
        XCTAssertEqual(try onlyRun(run.report)["status_counts"] as? [String: Int], ["OK": 30, "NOT_FOUND": 30])
        XCTAssertEqual((run.report["settings"] as? [String: Any])?["distinct_requests"] as? Int, 2)
    }

    func testMutualTLS() throws {
        let certs = try TestCertificates()
        let server = try PythonTestServer(tls: .init(certificateFile: certs.serverCert, keyFile: certs.serverKey,
                                                     clientCAFile: certs.caCert))
        defer { server.stop() }
        let run = try bench(["--target", "localhost:\(server.port)", "--ca", certs.caCert, "--cert", certs.clientCert,
                             "--key", certs.clientKey, "bench", "-w", "health", "--total", "50", "--connections", "2",
                             "--format", "json"])
        XCTAssertEqual(run.exitCode, 0, run.stderr)
        XCTAssertEqual(try onlyRun(run.report)["ok"] as? Int, 50)
        XCTAssertEqual((run.report["settings"] as? [String: Any])?["tls"] as? Bool, true)
        let refused = try bench(["--target", "localhost:\(server.port)", "--ca", certs.caCert, "bench", "-w", "health",
                                 "--total", "5", "--format", "json"])
        XCTAssertEqual(refused.exitCode, 1, "without a client certificate every call fails")
        XCTAssertEqual(try onlyRun(refused.report)["status_counts"] as? [String: Int], ["UNAVAILABLE": 5])
    }
}
