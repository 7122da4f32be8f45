import Foundation
import ShopHTTP2
import XCTest

/// A probe scenario running while the test does something else (e.g. shuts the server down).
/// Its stdout goes to a temporary file that the test polls.
final class BackgroundProbe {
    private let process = Process()
    private let outputURL = FileManager.default.temporaryDirectory.appendingPathComponent("probe-\(UUID().uuidString).out")

    init(target: String, scenario: String, options: [String: Any]) throws {
        let script = ServerHarness.packageRoot.appendingPathComponent("Tests/ShopHTTP2Probes/grpc_probe.py").path
        process.executableURL = URL(fileURLWithPath: try ServerHarness.python())
        process.arguments = [script, target, scenario,
                             String(decoding: try JSONSerialization.data(withJSONObject: options), as: UTF8.self)]
        FileManager.default.createFile(atPath: outputURL.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: outputURL)
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    private var output: String { String(decoding: (try? Data(contentsOf: outputURL)) ?? Data(), as: UTF8.self) }

    /// Polls stdout until a line equal to `line` arrives (bounded in time).
    func waitForLine(_ line: String, timeout: TimeInterval = 20) -> Bool {
        let end = Date().addingTimeInterval(timeout)
        while Date() < end {
            if output.split(separator: "\n").contains(Substring(line)) { return true }
            if !process.isRunning { return false }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return false
    }

    /// Waits for the process (bounded) and parses its final JSON line.
    func result(timeout: TimeInterval = 30) throws -> [String: Any] {
        let end = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < end { Thread.sleep(forTimeInterval: 0.02) }
        if process.isRunning {
            process.terminate()
            throw ServerError("probe did not finish in time")
        }
        defer { try? FileManager.default.removeItem(at: outputURL) }
        let last = output.split(separator: "\n").last.map(String.init) ?? ""
        return (try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any]) ?? [:]
    }
}
