import Foundation
import XCTest
@testable import ShopModels

/// A fresh temporary directory, removed by `cleanUp()`.
struct TemporaryDirectory {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "shopmodels-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { path + "/" + name }

    func cleanUp() { try? FileManager.default.removeItem(atPath: path) }
}

/// Writes a safetensors-shaped file byte by byte, with full control for hostile inputs.
/// `declaredLength` overrides the 8-byte header length prefix.
func writeRawSafetensors(to path: String, header: String, data: [UInt8] = [], declaredLength: UInt64? = nil) {
    var bytes = [UInt8]()
    let headerBytes = Array(header.utf8)
    withUnsafeBytes(of: (declaredLength ?? UInt64(headerBytes.count)).littleEndian) { bytes += $0 }
    bytes += headerBytes
    bytes += data
    XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
}

/// The Python interpreter of the project venv (`.venv/bin/python3`, or `SHOPSERVE_PYTHON`), if it has
/// numpy and safetensors; tests that need it are skipped with a message otherwise.
func projectPython() throws -> String {
    let root = packageRoot()
    let candidates = [ProcessInfo.processInfo.environment["SHOPSERVE_PYTHON"], root + "/.venv/bin/python3"].compactMap { $0 }
    for python in candidates where FileManager.default.isExecutableFile(atPath: python) {
        if (try? runProcess(python, ["-c", "import numpy, safetensors"]))?.status == 0 { return python }
    }
    throw XCTSkip("needs a Python with numpy and safetensors: python3 -m venv .venv && .venv/bin/pip install -r tools/quantize_lib/requirements.txt")
}

/// The package root (two levels above this file's directory).
func packageRoot() -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
}

/// Runs a process to completion (bounded by `timeout` seconds) and returns its status and output.
func runProcess(_ executable: String, _ arguments: [String], timeout: TimeInterval = 120) throws
    -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let output = FileManager.default.temporaryDirectory.appendingPathComponent("shopmodels-proc-\(UUID().uuidString)")
    _ = FileManager.default.createFile(atPath: output.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: output) }
    let handle = try FileHandle(forWritingTo: output)
    process.standardOutput = handle
    process.standardError = handle
    try process.run()
    let deadline = Date(timeIntervalSinceNow: timeout)
    while process.isRunning && Date() < deadline { usleep(10_000) }
    if process.isRunning {
        process.terminate()
        XCTFail("\(executable) \(arguments) timed out after \(timeout) s")
    }
    process.waitUntilExit()
    try handle.close()
    let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
    return (process.terminationStatus, text)
}

/// Writes a version directory `root/model/version/` with a small valid model (default kind `tensors`).
@discardableResult
func writeVersion(root: String, model: String, version: Int, kind: String = "tensors",
                  weights: [Float] = [1, 2, 3, 4], sha256: String? = nil, configJSON: String? = nil) throws -> String {
    let directory = "\(root)/\(model)/\(version)"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    var writer = SafetensorsWriter()
    writer.add("w", weights, shape: [weights.count])
    writer.add("q", [Int8](repeating: Int8(truncatingIfNeeded: version), count: 3), shape: [3])
    try writer.write(to: directory + "/model.safetensors")
    let shaField = sha256.map { ", \"sha256\": \"\($0)\"" } ?? ""
    let config = configJSON ?? "{\"schema_version\": 1, \"kind\": \"\(kind)\"\(shaField)}"
    try Data(config.utf8).write(to: URL(fileURLWithPath: directory + "/config.json"))
    return directory
}
