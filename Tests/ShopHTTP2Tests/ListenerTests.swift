import Foundation
import Logging
import ShopHTTP2
import ShopWire
import XCTest

/// Listening: IPv6, several addresses, port 0 shared by every reactor's SO_REUSEPORT socket.
final class ListenerTests: XCTestCase {
    func testIPv4AndIPv6WithEphemeralPortsOnSeveralReactors() throws {
        let harness = try ServerHarness {
            $0.listen = [ListenAddress(host: "127.0.0.1", port: 0), ListenAddress(host: "::1", port: 0)]
            $0.reactors = 3
        }
        defer { harness.stop() }
        let addresses = harness.server.boundAddresses
        XCTAssertEqual(addresses.count, 2)
        XCTAssertTrue(addresses[0].hasPrefix("127.0.0.1:"))
        XCTAssertTrue(addresses[1].hasPrefix("[::1]:"))
        XCTAssertFalse(addresses.contains { $0.hasSuffix(":0") })
        _ = try ServerHarness.python()
        // Several connections land on different reactors; every one must be served.
        for target in [addresses[0], "ipv6:\(addresses[1])"] {
            for _ in 0..<3 {
                let result = try harness.probe("call", ["requests": ["ping"]], target: target)
                XCTAssertEqual(result["code"] as? String, "OK", "\(target): \(result)")
            }
        }
    }

    func testBindingATakenPortFails() throws {
        var configuration = ServerConfiguration()
        configuration.reactors = 2
        // SO_REUSEPORT shares a port only between sockets that all set it: a plain socket
        // holding the port is a real conflict.
        let plain = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(plain) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                _ = bind(plain, raw, length)
                _ = listen(plain, 1)
                _ = getsockname(plain, raw, &length)
            }
        }
        configuration.listen = [ListenAddress(host: "127.0.0.1", port: Int(UInt16(bigEndian: address.sin_port)))]
        let server = GRPCServer(configuration: configuration, router: ServiceRouter(), logger: Logger(label: "test"))
        XCTAssertThrowsError(try server.start())
    }
}
