import Dispatch
import Foundation
import Logging

/// SIGTERM/SIGINT handling: the first signal starts a graceful shutdown, a second one exits at
/// once (status 1).
final class ShutdownSignals: @unchecked Sendable {
    private let logger: Logger
    private let onFirstSignal: @Sendable () -> Void
    private var sources: [DispatchSourceSignal] = []
    private let queue = DispatchQueue(label: "shopserve.signals")
    private var received = 0

    init(logger: Logger, onFirstSignal: @escaping @Sendable () -> Void) {
        self.logger = logger
        self.onFirstSignal = onFirstSignal
    }

    func install() {
        for signalNumber in [SIGTERM, SIGINT] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: queue)
            source.setEventHandler { [self] in handle(signalNumber) }
            source.resume()
            sources.append(source)
        }
    }

    private func handle(_ signalNumber: Int32) {
        received += 1
        let name = signalNumber == SIGTERM ? "SIGTERM" : "SIGINT"
        if received == 1 {
            logger.info("\(name): graceful shutdown")
            onFirstSignal()
        } else {
            logger.warning("\(name) again: exiting now")
            exit(1)
        }
    }
}
