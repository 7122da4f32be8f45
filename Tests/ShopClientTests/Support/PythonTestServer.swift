import Foundation
import XCTest

/// Runs the stock grpcio test server (`PythonTestServerScript`) as a subprocess on a free
/// loopback port.
///
/// Python environment: `$SHOP_TEST_PYTHON` if set, otherwise the venv at `<package>/.venv`,
/// created on first use (`python3 -m venv .venv` + `pip install grpcio
/// grpcio-health-checking grpcio-reflection`). Tests skip only when no venv can be created.
final class PythonTestServer {
    let port: Int
    private let process: Process
    private let stdinPipe: Pipe

    /// Options of the server's TLS port.
    struct TLS {
        var certificateFile: String
        var keyFile: String
        var clientCAFile: String?
    }

    init(tls: TLS? = nil) throws {
        let python = try Self.pythonWithGRPC()
        let script = FileManager.default.temporaryDirectory.appendingPathComponent("shop_client_test_server_\(getpid()).py")
        try PythonTestServerScript.source.write(to: script, atomically: true, encoding: .utf8)
        var arguments = [script.path]
        if let tls {
            arguments += ["--cert", tls.certificateFile, "--key", tls.keyFile]
            if let ca = tls.clientCAFile { arguments += ["--client-ca", ca] }
        }
        process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = arguments
        stdinPipe = Pipe()
        let stdoutPipe = Pipe()
        process.standardInput = stdinPipe
        process.standardOutput = stdoutPipe
        try process.run()

        // Wait (bounded) for "PORT <n>".
        let reader = stdoutPipe.fileHandleForReading
        var text = ""
        let deadline = Date().addingTimeInterval(30)
        while !text.contains("\n") && Date() < deadline && process.isRunning {
            let data = reader.availableData
            if data.isEmpty { break }
            text += String(decoding: data, as: UTF8.self)
        }
        guard let line = text.split(separator: "\n").first, line.hasPrefix("PORT "), let port = Int(line.dropFirst(5)) else {
            process.terminate()
            throw TestServerError("python test server did not start (output: \(text))")
        }
        self.port = port
    }

    var target: String { "127.0.0.1:\(port)" }

    func stop() {
        guard process.isRunning else { return }
        try? stdinPipe.fileHandleForWriting.close()
        process.terminate()
        process.waitUntilExit()
    }

    deinit { stop() }

    // MARK: - Python environment

    private static let lock = NSLock()
    nonisolated(unsafe) private static var cachedPython: Result<String, Error>?

    /// The package root (three levels above this file).
    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
    }

    /// A python interpreter that can import grpc, grpc_health and grpc_reflection; throws
    /// `XCTSkip` when no virtual environment can be made.
    static func pythonWithGRPC() throws -> String {
        lock.lock()
        defer { lock.unlock() }
        if let cachedPython { return try cachedPython.get() }
        let result = Result { try preparePython() }
        cachedPython = result
        return try result.get()
    }

    private static func preparePython() throws -> String {
        if let custom = ProcessInfo.processInfo.environment["SHOP_TEST_PYTHON"] { return custom }
        let venv = packageRoot.appendingPathComponent(".venv")
        let python = venv.appendingPathComponent("bin/python").path
        if run(python, ["-c", "import grpc, grpc_health, grpc_reflection"]) == 0 { return python }
        if !FileManager.default.fileExists(atPath: python) {
            guard run("/usr/bin/env", ["python3", "-m", "venv", venv.path]) == 0 else {
                throw XCTSkip("python3 -m venv is not possible on this machine: cannot run the grpcio test server")
            }
        }
        guard run(python, ["-m", "pip", "install", "-q", "grpcio", "grpcio-health-checking", "grpcio-reflection"]) == 0 else {
            throw TestServerError("pip install grpcio grpcio-health-checking grpcio-reflection into \(venv.path) failed")
        }
        return python
    }

    @discardableResult
    static func run(_ executable: String, _ arguments: [String]) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return -1 }
        process.waitUntilExit()
        return process.terminationStatus
    }
}

struct TestServerError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
