import Foundation

/// `health[:service=NAME]`: grpc.health.v1.Health/Check for one service (default: the
/// server as a whole). The cheapest call a server answers: it measures the transport.
public struct HealthWorkload: WorkloadGenerator {
    public static let name = "health"
    public static let method: String? = "grpc.health.v1.Health/Check"
    public static let usage = "health[:service=NAME]"
    private let service: String

    public init(parameters: WorkloadParameters, models: URL) throws {
        service = parameters.string("service", default: "")
    }

    public mutating func makeRequests(count: Int) throws -> [[String: Any]] {
        [["service": service]]
    }
}
