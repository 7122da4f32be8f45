import Dispatch
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Ctrl-C (SIGINT) during a bench: the first one stops the run (which then prints its
/// partial report); a second one exits at once.
final class InterruptSignal: @unchecked Sendable {
    private let source: DispatchSourceSignal
    private let lock = NSLock()
    private var count = 0
    private var onInterrupt: (() -> Void)?

    init() {
        signal(SIGINT, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { [unowned self] in fire() }
        source.resume()
    }

    deinit {
        source.cancel()
        signal(SIGINT, SIG_DFL)
    }

    /// What to stop on the next Ctrl-C (the runner of the current sweep point).
    func onInterrupt(_ action: @escaping () -> Void) {
        lock.lock()
        onInterrupt = action
        let already = count > 0
        lock.unlock()
        if already { action() }
    }

    var interrupted: Bool {
        lock.lock()
        defer { lock.unlock() }
        return count > 0
    }

    private func fire() {
        lock.lock()
        count += 1
        let action = onInterrupt, second = count > 1
        lock.unlock()
        if second { exit(130) }
        action?()
    }
}
