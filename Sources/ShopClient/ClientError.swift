#if canImport(Glibc)
import Glibc
#endif

/// Errors raised while configuring or connecting a client, before any RPC status exists.
/// (Failures of an RPC itself are reported as a `GRPCStatus`.)
public enum ClientError: Error, Equatable, CustomStringConvertible {
    /// A system call failed with `errno`.
    case system(String, Int32)
    /// `HOST:PORT` could not be parsed.
    case invalidTarget(String)
    /// The host name could not be resolved.
    case resolution(String)
    /// A TLS set-up problem (bad file, key mismatch, ...), with OpenSSL's reason.
    case tls(String)

    public var description: String {
        switch self {
        case .system(let call, let code): return "\(call) failed: \(String(cString: strerror(code)))"
        case .invalidTarget(let text): return "invalid target '\(text)': expected HOST:PORT"
        case .resolution(let text): return "cannot resolve \(text)"
        case .tls(let text): return "TLS: \(text)"
        }
    }
}
