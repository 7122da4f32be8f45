import Foundation
import ShopClient
import ShopWire
import XCTest

/// The `shopctl` binary end to end against the stock grpcio server: output, stderr status
/// and exit codes of `call`, `health` and `list`, request input from a file and stdin,
/// metadata, deadlines and TLS flags.
final class ShopctlTests: XCTestCase {
    private var server: PythonTestServer!

    override func setUpWithError() throws {
        server = try PythonTestServer()
    }

    override func tearDown() {
        server?.stop()
    }

    func testCallPrintsJSONAndStatus() throws {
        let run = try shopctl(["--target", server.target, "call", "grpc.health.v1.Health/Check", "--data", #"{"service": "shop.test.NotServing"}"#, "--compact"])
        XCTAssertEqual(run.exitCode, 0, run.stderr)
        XCTAssertEqual(run.stdout, #"{"status":"NOT_SERVING"}"# + "\n")
        XCTAssertEqual(run.stderr, "OK\n")
    }

    func testCallFailureExitsWithTheStatusCode() throws {
        let run = try shopctl(["--target", server.target, "call", "grpc.health.v1.Health/Check", "--data", #"{"service": "nope"}"#])
        XCTAssertEqual(run.exitCode, 5, "NOT_FOUND")
        XCTAssertEqual(run.stdout, "")
        XCTAssertTrue(run.stderr.hasPrefix("NOT_FOUND"), run.stderr)
    }

    func testBadInputExits64WithAClearMessage() throws {
        let unknownField = try shopctl(["--target", server.target, "call", "grpc.health.v1.Health/Check", "--data", #"{"servic": ""}"#])
        XCTAssertEqual(unknownField.exitCode, 64)
        XCTAssertTrue(unknownField.stderr.contains("unknown field 'servic'"), unknownField.stderr)
        let unknownMethod = try shopctl(["--target", server.target, "call", "grpc.health.v1.Health/Nap"])
        XCTAssertEqual(unknownMethod.exitCode, 64)
        XCTAssertTrue(unknownMethod.stderr.contains("no method 'Nap'"), unknownMethod.stderr)
        let badTarget = try shopctl(["--target", "nowhere", "health"])
        XCTAssertEqual(badTarget.exitCode, 64)
        XCTAssertTrue(badTarget.stderr.contains("HOST:PORT"), badTarget.stderr)
    }

    func testRequestFromFileAndStdin() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("shopctl-request-\(getpid()).json")
        try #"{"service": "shop.test.Serving"}"#.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let fromFile = try shopctl(["--target", server.target, "call", "grpc.health.v1.Health/Check", "--data", "@\(file.path)", "--compact"])
        XCTAssertEqual(fromFile.stdout, #"{"status":"SERVING"}"# + "\n", fromFile.stderr)
        let fromStdin = try shopctl(["--target", server.target, "call", "grpc.health.v1.Health/Check", "--data", "-", "--compact"],
                                    stdin: #"{"service": "shop.test.NotServing"}"#)
        XCTAssertEqual(fromStdin.stdout, #"{"status":"NOT_SERVING"}"# + "\n", fromStdin.stderr)
    }

    func testHealthCheckExitCodes() throws {
        let serving = try shopctl(["--target", server.target, "health"])
        XCTAssertEqual(serving.exitCode, 0)
        XCTAssertEqual(serving.stdout, "(server): SERVING\n")
        let notServing = try shopctl(["--target", server.target, "health", "shop.test.NotServing"])
        XCTAssertEqual(notServing.exitCode, 1)
        XCTAssertEqual(notServing.stdout, "shop.test.NotServing: NOT_SERVING\n")
        let unknown = try shopctl(["--target", server.target, "health", "shop.test.Missing"])
        XCTAssertEqual(unknown.exitCode, 5)
    }

    func testHealthWatchSeesAStatusChange() async throws {
        let watch = Process()
        watch.executableURL = try Self.shopctlURL()
        watch.arguments = ["--target", server.target, "health", "shop.test.Flip", "--watch", "--count", "2", "--timeout", "60s"]
        let output = Pipe()
        watch.standardOutput = output
        watch.standardError = FileHandle.nullDevice
        // The service is unknown at first (SERVICE_UNKNOWN), then becomes SERVING.
        try watch.run()
        defer { if watch.isRunning { watch.terminate() } }
        let reader = output.fileHandleForReading
        let first = String(decoding: reader.availableData, as: UTF8.self)
        XCTAssertEqual(first, "shop.test.Flip: SERVICE_UNKNOWN\n")
        try await setHealth("shop.test.Flip=SERVING")
        let rest = String(decoding: reader.readDataToEndOfFile(), as: UTF8.self)
        watch.waitUntilExit()
        XCTAssertEqual(rest, "shop.test.Flip: SERVING\n")
        XCTAssertEqual(watch.terminationStatus, 0)
    }

    func testListServicesAndMethodsThroughReflectionFallback() throws {
        let services = try shopctl(["--target", server.target, "list"])
        XCTAssertEqual(services.exitCode, 0, services.stderr)
        XCTAssertEqual(services.stdout, "grpc.health.v1.Health\ngrpc.reflection.v1alpha.ServerReflection\n",
                       "the stock server only has v1alpha reflection: the fallback works")
        let methods = try shopctl(["--target", server.target, "list", "grpc.health.v1.Health"])
        XCTAssertTrue(methods.stdout.contains("grpc.health.v1.Health.Check\n"), methods.stdout)
        XCTAssertTrue(methods.stdout.contains("grpc.health.v1.Health.Watch\n"), methods.stdout)
        let long = try shopctl(["--target", server.target, "list", "grpc.health.v1.Health", "--long"])
        XCTAssertTrue(long.stdout.contains("rpc Watch(grpc.health.v1.HealthCheckRequest) returns (stream grpc.health.v1.HealthCheckResponse)"), long.stdout)
        let missing = try shopctl(["--target", server.target, "list", "shop.v1.Nothing"])
        XCTAssertEqual(missing.exitCode, 5, missing.stderr)
    }

    func testMutualTLSFlags() throws {
        let certs = try TestCertificates()
        let tlsServer = try PythonTestServer(tls: .init(certificateFile: certs.serverCert, keyFile: certs.serverKey, clientCAFile: certs.caCert))
        defer { tlsServer.stop() }
        let ok = try shopctl(["--target", "localhost:\(tlsServer.port)", "--ca", certs.caCert, "--cert", certs.clientCert,
                              "--key", certs.clientKey, "health"])
        XCTAssertEqual(ok.exitCode, 0, ok.stderr)
        let noCert = try shopctl(["--target", "127.0.0.1:\(tlsServer.port)", "--tls", "--ca", certs.caCert,
                                  "--server-name", "localhost", "health"])
        XCTAssertEqual(noCert.exitCode, 14, "UNAVAILABLE without a client certificate: \(noCert.stderr)")
        let plaintext = try shopctl(["--target", "127.0.0.1:\(tlsServer.port)", "health"])
        XCTAssertEqual(plaintext.exitCode, 14, plaintext.stderr)
    }

    // MARK: - Helpers

    struct Run {
        var exitCode: Int32
        var stdout: String
        var stderr: String
    }

    /// The shopctl binary next to the test bundle (built with the tests: ShopClientTests
    /// depends on the shopctl target).
    static func shopctlURL() throws -> URL {
        if let custom = ProcessInfo.processInfo.environment["SHOPCTL_PATH"] { return URL(fileURLWithPath: custom) }
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("shopctl"),
            Bundle.main.bundleURL.appendingPathComponent("shopctl"),
            PythonTestServer.packageRoot.appendingPathComponent(".build/debug/shopctl"),
        ]
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw TestServerError("shopctl binary not found next to the tests (looked in \(candidates.map(\.path)))")
        }
        return found
    }

    private func shopctl(_ arguments: [String], stdin: String? = nil) throws -> Run {
        let process = Process()
        process.executableURL = try Self.shopctlURL()
        process.arguments = arguments
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
        let stderrData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(exitCode: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self),
                   stderr: String(decoding: stderrData, as: UTF8.self))
    }

    /// Changes a health status on the python server through its raw `test.Probe/SetHealth`.
    private func setHealth(_ assignment: String) async throws {
        let connection = try ClientConnection(target: server.target)
        defer { connection.shutdown() }
        let response = await connection.unary(MethodPath(service: "test.Probe", method: "SetHealth"), request: Array(assignment.utf8))
        XCTAssertEqual(response.status.code, .ok, "\(response.status)")
    }
}
