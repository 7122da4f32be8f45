import Foundation
import XCTest

/// A probe scenario running while the test does something else (e.g. shuts the server down).
final class BackgroundProbe {
    private let process = Process()
    private let output = Pipe()
    private var buffer = Data()

    init(target: String, scenario: String, options: [String: Any]) throws {
        let script = ServerHarness.packageRoot.appendingPathComponent("Tests/ShopHTTP2Probes/grpc_probe.py").path
        process.executableURL = URL(fileURLWithPath: try ServerHarness.python())
        process.arguments = [script, target, scenario,
                             String(decoding: try JSONSerialization.data(withJSONObject: options), as: UTF8.self)]
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    /// Reads stdout until a line equal to `line` arrives (bounded in time).
    func waitForLine(_ line: String, timeout: TimeInterval = 20) -> Bool {
        let end = Date().addingTimeInterval(timeout)
        while Date() < end {
            if String(decoding: buffer, as: UTF8.self).split(separator: "\n").contains(Substring(line)) { return true }
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { return false }
            buffer.append(chunk)
        }
        return false
    }

    /// Waits for the process (bounded) and parses its final JSON line.
    func result(timeout: TimeInterval = 30) throws -> [String: Any] {
        let end = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < end { Thread.sleep(forTimeInterval: 0.02) }
        if process.isRunning {
            process.terminate()
            throw XCTSkip("probe did not finish in time")
        }
        buffer.append(output.fileHandleForReading.readDataToEndOfFile())
        let last = String(decoding: buffer, as: UTF8.self).split(separator: "\n").last.map(String.init) ?? ""
        return (try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any]) ?? [:]
    }
}
