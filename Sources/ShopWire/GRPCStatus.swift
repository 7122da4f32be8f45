/// A gRPC status: one of the canonical codes plus an optional human-readable message.
///
/// The message travels percent-encoded in the `grpc-message` trailer (see `PercentEncoding`).
public struct GRPCStatus: Error, Equatable, Sendable, CustomStringConvertible {
    /// The canonical gRPC status codes (grpc/doc/statuscodes.md).
    public enum Code: Int, Sendable, CaseIterable {
        case ok = 0
        case cancelled = 1
        case unknown = 2
        case invalidArgument = 3
        case deadlineExceeded = 4
        case notFound = 5
        case alreadyExists = 6
        case permissionDenied = 7
        case resourceExhausted = 8
        case failedPrecondition = 9
        case aborted = 10
        case outOfRange = 11
        case unimplemented = 12
        case `internal` = 13
        case unavailable = 14
        case dataLoss = 15
        case unauthenticated = 16

        /// The upper-snake-case name used in logs and by other gRPC implementations.
        public var name: String {
            switch self {
            case .ok: return "OK"
            case .cancelled: return "CANCELLED"
            case .unknown: return "UNKNOWN"
            case .invalidArgument: return "INVALID_ARGUMENT"
            case .deadlineExceeded: return "DEADLINE_EXCEEDED"
            case .notFound: return "NOT_FOUND"
            case .alreadyExists: return "ALREADY_EXISTS"
            case .permissionDenied: return "PERMISSION_DENIED"
            case .resourceExhausted: return "RESOURCE_EXHAUSTED"
            case .failedPrecondition: return "FAILED_PRECONDITION"
            case .aborted: return "ABORTED"
            case .outOfRange: return "OUT_OF_RANGE"
            case .unimplemented: return "UNIMPLEMENTED"
            case .internal: return "INTERNAL"
            case .unavailable: return "UNAVAILABLE"
            case .dataLoss: return "DATA_LOSS"
            case .unauthenticated: return "UNAUTHENTICATED"
            }
        }

        /// Parses a name such as `INVALID_ARGUMENT` (case-insensitive).
        public init?(name: String) {
            guard let code = Code.allCases.first(where: { $0.name == name.uppercased() }) else { return nil }
            self = code
        }
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String = "") {
        self.code = code
        self.message = message
    }

    public static let ok = GRPCStatus(.ok)

    public var description: String {
        message.isEmpty ? code.name : "\(code.name): \(message)"
    }
}
