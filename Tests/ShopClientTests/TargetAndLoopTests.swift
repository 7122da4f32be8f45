import Foundation
import ShopWire
import XCTest
@testable import ShopClient

/// Target parsing, and several connections sharing one event loop (the load tester's shape).
final class TargetAndLoopTests: XCTestCase {
    func testTargetParsing() throws {
        XCTAssertEqual(try Target(parsing: "127.0.0.1:50051"), Target(host: "127.0.0.1", port: 50051))
        XCTAssertEqual(try Target(parsing: "shop.example.com:443"), Target(host: "shop.example.com", port: 443))
        let v6 = try Target(parsing: "[::1]:8443")
        XCTAssertEqual(v6, Target(host: "::1", port: 8443))
        XCTAssertEqual(v6.authority, "[::1]:8443")
        XCTAssertTrue(v6.hostIsIPAddress)
        XCTAssertFalse(try Target(parsing: "localhost:1").hostIsIPAddress)
        for bad in ["localhost", ":80", "host:", "host:0", "host:70000", "::1:80", "[::1]80", "[::1]:"] {
            XCTAssertThrowsError(try Target(parsing: bad), bad)
        }
    }

    func testConnectionsShareOneEventLoop() async throws {
        let server = try PythonTestServer()
        defer { server.stop() }
        let loop = try ClientEventLoop(name: "shared-test")
        let target = try Target(parsing: server.target)
        let connections = try (0..<3).map { _ in
            try ClientConnection(configuration: ConnectionConfiguration(target: target), eventLoop: loop)
        }
        let path = MethodPath(service: "test.Probe", method: "Unary")
        await withTaskGroup(of: Bool.self) { group in
            for index in 0..<60 {
                let connection = connections[index % connections.count]
                group.addTask {
                    let reply = await connection.unary(path, request: [UInt8(index)])
                    return reply.status.code == .ok && reply.message == [UInt8(index)]
                }
            }
            var good = 0
            for await ok in group where ok { good += 1 }
            XCTAssertEqual(good, 60)
        }
        for connection in connections { connection.shutdown() }
        loop.shutdown()
    }

    func testIPv6LoopbackRefusedIsUnavailable() async throws {
        // Nothing listens on this port of ::1 (or IPv6 is off): either way a clean UNAVAILABLE.
        let connection = try ClientConnection(target: "[::1]:1")
        defer { connection.shutdown() }
        let reply = await connection.unary(MethodPath(service: "a.B", method: "C"), request: [])
        XCTAssertEqual(reply.status.code, .unavailable)
    }
}
