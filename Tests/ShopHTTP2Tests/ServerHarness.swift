import Foundation
import Logging
import ShopHTTP2
import ShopWire
import XCTest

/// Starts a `GRPCServer` in-process on 127.0.0.1:0 with `test.Echo`, and runs real peers
/// against it (Python grpcio via `Python/grpc_probe.py`, nghttp2's `nghttp` CLI).
final class ServerHarness {
    let server: GRPCServer
    let events = CallEvents()
    let port: Int
    var target: String { "127.0.0.1:\(port)" }

    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    init(configure: (inout ServerConfiguration) -> Void = { _ in }) throws {
        var configuration = ServerConfiguration(listen: [ListenAddress(host: "127.0.0.1", port: 0)], reactors: 2)
        configure(&configuration)
        var logger = Logger(label: "test.server")
        logger.logLevel = .warning
        server = GRPCServer(configuration: configuration, router: ServiceRouter([TestEchoService(events: events)]), logger: logger)
        try server.start()
        let bound = try XCTUnwrap(server.boundAddresses.first)
        port = try XCTUnwrap(Int(bound.split(separator: ":").last!))
    }

    func stop() {
        server.beginGracefulShutdown(grace: .seconds(1))
        server.waitUntilStopped()
    }

    /// The project's Python venv interpreter; tests that need grpcio skip without it.
    static func python() throws -> String {
        let path = packageRoot.appendingPathComponent(".venv/bin/python").path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw XCTSkip("no .venv (python3 -m venv .venv && .venv/bin/pip install grpcio h2)")
        }
        return path
    }

    /// Runs one probe scenario and returns its JSON result.
    func probe(_ scenario: String, _ options: [String: Any] = [:], target: String? = nil) throws -> [String: Any] {
        let script = Self.packageRoot.appendingPathComponent("Tests/ShopHTTP2Probes/grpc_probe.py").path
        let json = String(decoding: try JSONSerialization.data(withJSONObject: options), as: UTF8.self)
        let output = try Self.run(try Self.python(), [script, target ?? self.target, scenario, json])
        let lastLine = output.split(separator: "\n").last.map(String.init) ?? ""
        guard let object = try JSONSerialization.jsonObject(with: Data(lastLine.utf8)) as? [String: Any] else {
            throw ServerError("probe printed no JSON: \(output)")
        }
        return object
    }

    /// Runs a command with a time bound; returns stdout (stderr appended when failure is allowed).
    /// Output goes to temporary files, so no pipe-reading threads are involved.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String], timeout: TimeInterval = 60,
                    allowFailure: Bool = false) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable.hasPrefix("/") ? executable : "/usr/bin/\(executable)")
        process.arguments = arguments
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("run-\(UUID().uuidString)")
        let outURL = base.appendingPathExtension("out"), errURL = base.appendingPathExtension("err")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: outURL)
            try? FileManager.default.removeItem(at: errURL)
        }
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let end = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < end { Thread.sleep(forTimeInterval: 0.02) }
        if process.isRunning {
            process.terminate()
            throw ServerError("\(executable) \(arguments) timed out")
        }
        let out = String(decoding: (try? Data(contentsOf: outURL)) ?? Data(), as: UTF8.self)
        let err = String(decoding: (try? Data(contentsOf: errURL)) ?? Data(), as: UTF8.self)
        if process.terminationStatus != 0, !allowFailure {
            throw ServerError("\(executable) exited \(process.terminationStatus): \(out)\n\(err)")
        }
        return allowFailure ? out + err : out
    }
}
