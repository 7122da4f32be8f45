#if canImport(Glibc)
import Glibc
#endif

/// Cancels one submitted request, from any thread (the service layer calls `cancel()` from
/// its `ServerCallHandler.cancelled()`).
///
/// A request still queued leaves its queue at once and completes with `.cancelled`; a
/// request whose rows are being computed completes with `.cancelled` when its running
/// chunks end, and none of its remaining rows are computed.
public final class CancellationToken: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    private var cancelled = false
    private weak var scheduler: BatchScheduler?
    private var ticket: RequestTicket?

    public init() {
        pthread_mutex_init(&mutex, nil)
    }

    deinit { pthread_mutex_destroy(&mutex) }

    /// True once `cancel()` was called.
    public var isCancelled: Bool {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return cancelled
    }

    /// Cancels the request (idempotent).
    public func cancel() {
        pthread_mutex_lock(&mutex)
        let first = !cancelled
        cancelled = true
        let scheduler = self.scheduler
        let ticket = self.ticket
        self.scheduler = nil
        self.ticket = nil
        pthread_mutex_unlock(&mutex)
        if first, let scheduler, let ticket {
            scheduler.cancel(ticket)
        }
    }

    /// Links the token to a queued request; false when it was already cancelled.
    func attach(to scheduler: BatchScheduler, ticket: RequestTicket) -> Bool {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        if cancelled { return false }
        self.scheduler = scheduler
        self.ticket = ticket
        return true
    }

    /// Unlinks the token once its request completed.
    func detach() {
        pthread_mutex_lock(&mutex)
        scheduler = nil
        ticket = nil
        pthread_mutex_unlock(&mutex)
    }
}
