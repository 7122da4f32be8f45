import XCTest
@testable import ShopMetrics

final class MetricsEndpointTests: XCTestCase {
    func testRoutesMetricsAndRefusesOtherPathsAndMethods() {
        let endpoint = MetricsEndpoint { ("x 1\n", PrometheusExposition.contentType) }
        let ok = endpoint.respond(method: "GET", path: "/metrics")
        XCTAssertEqual(ok.status, 200)
        XCTAssertEqual(ok.body, "x 1\n")
        XCTAssertEqual(endpoint.respond(method: "HEAD", path: "/metrics").status, 200)
        XCTAssertEqual(endpoint.respond(method: "GET", path: "/").status, 404)
        let post = endpoint.respond(method: "POST", path: "/metrics")
        XCTAssertEqual(post.status, 405)
        XCTAssertTrue(post.allow)
    }

    func testListensOnAChosenPortAndRefusesAPortInUse() throws {
        let first = MetricsEndpoint { ("", PrometheusExposition.contentType) }
        try first.start(host: "127.0.0.1", port: 0)
        defer { first.stop() }
        XCTAssertNotEqual(first.port, 0)
        let second = MetricsEndpoint { ("", PrometheusExposition.contentType) }
        XCTAssertThrowsError(try second.start(host: "127.0.0.1", port: Int(first.port))) { error in
            XCTAssertTrue("\(error)".contains("127.0.0.1:\(first.port)"), "\(error)")
        }
        XCTAssertThrowsError(try second.start(host: "no-such-host.invalid", port: 0))
    }
}
