#if canImport(Glibc)
import Glibc
#endif

/// A joinable OS thread running one closure (the scheduler's compute workers).
final class WorkerThread {
    private final class Body {
        let name: String
        let run: () -> Void
        init(name: String, run: @escaping () -> Void) {
            self.name = name
            self.run = run
        }
    }

    private var thread: pthread_t
    /// The name given at start (for diagnostics).
    let name: String

    /// Starts a thread running `body`; `name` identifies it in diagnostics.
    init(name: String, body: @escaping () -> Void) {
        let context = Unmanaged.passRetained(Body(name: name, run: body)).toOpaque()
        var thread = pthread_t()
        let result = pthread_create(&thread, nil, { argument in
            let body = Unmanaged<Body>.fromOpaque(argument!).takeRetainedValue()
            body.run()
            return nil
        }, context)
        precondition(result == 0, "pthread_create failed with \(result)")
        self.thread = thread
        self.name = name
    }

    /// Waits for the thread to finish.
    func join() { pthread_join(thread, nil) }
}
