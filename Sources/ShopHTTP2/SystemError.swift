#if canImport(Glibc)
import Glibc
#endif

/// A failed system call with its errno, e.g. `bind(127.0.0.1:80): Permission denied`.
public struct SystemError: Error, CustomStringConvertible, Sendable {
    public var operation: String
    public var errno: Int32

    public init(_ operation: String, errno: Int32) {
        self.operation = operation
        self.errno = errno
    }

    /// The error of the last system call on this thread.
    static func last(_ operation: String) -> SystemError {
        SystemError(operation, errno: Glibc.errno)
    }

    public var description: String {
        "\(operation): \(String(cString: strerror(errno)))"
    }
}
