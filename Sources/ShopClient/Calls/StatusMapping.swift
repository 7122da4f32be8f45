import CNGHTTP2
import ShopWire

/// Statuses a client synthesizes when the server did not send `grpc-status`, as the gRPC
/// spec prescribes (doc/http-grpc-status-mapping.md and PROTOCOL-HTTP2 "Errors").
enum StatusMapping {
    /// The status for a non-200 HTTP response without `grpc-status`.
    static func status(httpStatus: Int) -> GRPCStatus.Code {
        switch httpStatus {
        case 400: return .internal
        case 401: return .unauthenticated
        case 403: return .permissionDenied
        case 404: return .unimplemented
        case 429, 502, 503, 504: return .unavailable
        default: return .unknown
        }
    }

    /// The status for a stream the server reset with `errorCode`.
    static func status(rstStreamErrorCode errorCode: UInt32) -> GRPCStatus {
        switch errorCode {
        case NGHTTP2_REFUSED_STREAM.rawValue:
            return GRPCStatus(.unavailable, "stream refused by the server (REFUSED_STREAM)")
        case NGHTTP2_CANCEL.rawValue:
            return GRPCStatus(.cancelled, "stream cancelled by the server (RST_STREAM CANCEL)")
        case NGHTTP2_ENHANCE_YOUR_CALM.rawValue:
            return GRPCStatus(.resourceExhausted, "server asked to slow down (ENHANCE_YOUR_CALM)")
        case NGHTTP2_INADEQUATE_SECURITY.rawValue:
            return GRPCStatus(.permissionDenied, "inadequate security (INADEQUATE_SECURITY)")
        default:
            let name = String(cString: nghttp2_http2_strerror(errorCode))
            return GRPCStatus(.internal, "stream reset by the server: \(name)")
        }
    }
}
