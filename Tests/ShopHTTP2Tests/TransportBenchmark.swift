import Foundation
import ShopHTTP2
import XCTest

/// Not a test: prints unary-call throughput and latency of the in-process server under h2load.
/// Runs only with SHOP_TRANSPORT_BENCH=1, and means something only in a release build:
/// `SHOP_TRANSPORT_BENCH=1 swift test -c release -Xswiftc -enable-testing --filter TransportBenchmark`.
/// It asserts nothing about speed; tools/bench-transport.sh compares against a C++ server.
final class TransportBenchmark: XCTestCase {
    func testPrintUnaryThroughput() throws {
        guard ProcessInfo.processInfo.environment["SHOP_TRANSPORT_BENCH"] == "1" else {
            throw XCTSkip("set SHOP_TRANSPORT_BENCH=1 to run the transport benchmark")
        }
        let harness = try ServerHarness { $0.reactors = 1 }
        defer { harness.stop() }
        let body = FileManager.default.temporaryDirectory.appendingPathComponent("bench-\(UUID().uuidString)")
        try Data([0, 0, 0, 0, 2, 0x08, 0x01]).write(to: body)
        defer { try? FileManager.default.removeItem(at: body) }
        for path in ["/test.Echo/Echo", "/nope.Service/Missing"] {
            let output = try ServerHarness.run("h2load", [
                "-n", "100000", "-c", "50", "-m", "10", "-t", "1", "-d", body.path,
                "-H", "content-type: application/grpc", "-H", "te: trailers",
                "http://\(harness.target)\(path)",
            ], timeout: 120)
            let lines = output.split(separator: "\n").filter {
                $0.contains("finished in") || $0.contains("requests:") || $0.contains("time for request")
            }
            print("transport benchmark \(path):\n" + lines.joined(separator: "\n"))
        }
    }
}
