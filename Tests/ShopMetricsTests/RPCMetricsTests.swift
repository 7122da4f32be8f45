import ShopHTTP2
import ShopWire
import XCTest
@testable import ShopMetrics

final class RPCMetricsTests: XCTestCase {
    func testCallsAreCountedPerMethodAndCodeAcrossReactors() {
        let metrics = RPCMetrics(reactors: 2)
        let rank = MethodPath(service: "shop.v1.RankService", method: "Rank")
        for index in 0..<10 {
            metrics.callEnded(EndedCall(method: rank, code: .ok, nanoseconds: 1_000_000, reactorIndex: index % 2))
        }
        metrics.callEnded(EndedCall(method: rank, code: .invalidArgument, nanoseconds: 60_000, reactorIndex: 1))
        metrics.callEnded(EndedCall(method: nil, code: .unimplemented, nanoseconds: 10_000, reactorIndex: 0))
        let snapshot = metrics.snapshot()
        XCTAssertEqual(snapshot.map(\.method), [rank, nil], "known methods first, unknown paths last")
        XCTAssertEqual(snapshot[0].codes[GRPCStatus.Code.ok.rawValue], 10)
        XCTAssertEqual(snapshot[0].codes[GRPCStatus.Code.invalidArgument.rawValue], 1)
        XCTAssertEqual(snapshot[0].handlingNanoseconds.count, 11)
        XCTAssertEqual(snapshot[0].handlingNanoseconds.sum, 10_060_000)

        let text = PrometheusExposition.render(models: [], rpcs: snapshot)
        let rankLabels = #"grpc_service="shop.v1.RankService",grpc_method="Rank""#
        XCTAssertTrue(text.contains("grpc_server_handled_total{\(rankLabels),grpc_code=\"OK\"} 10\n"))
        XCTAssertTrue(text.contains("grpc_server_handled_total{\(rankLabels),grpc_code=\"INVALID_ARGUMENT\"} 1\n"))
        XCTAssertFalse(text.contains("grpc_code=\"NOT_FOUND\""), "codes never seen are left out")
        XCTAssertTrue(text.contains(#"grpc_server_handled_total{grpc_service="unknown",grpc_method="unknown",grpc_code="UNIMPLEMENTED"} 1"#))
        XCTAssertTrue(text.contains(#"grpc_server_handled_total{grpc_service="unknown",grpc_method="unknown",grpc_code="OK"} 0"#))
        XCTAssertTrue(text.contains("grpc_server_handling_seconds_count{\(rankLabels)} 11\n"))
        XCTAssertTrue(text.contains("grpc_server_handling_seconds_sum{\(rankLabels)} 0.01006\n"))
        XCTAssertTrue(text.contains("grpc_server_handling_seconds_bucket{\(rankLabels),le=\"5e-05\"} 0\n"))
        XCTAssertTrue(text.contains("grpc_server_handling_seconds_bucket{\(rankLabels),le=\"0.0001\"} 1\n"))
        XCTAssertTrue(text.contains("# TYPE grpc_server_handling_seconds histogram\n"))
    }
}
