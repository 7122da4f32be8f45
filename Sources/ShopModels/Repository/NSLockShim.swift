import Foundation

/// A mutex with a closure-scoped critical section (Foundation's `NSLock`, usable on every platform
/// this package builds for).
final class NSLockShim: @unchecked Sendable {
    private let lock = NSLock()

    func withLock<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }
}
