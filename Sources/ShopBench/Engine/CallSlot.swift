import ShopClient
import ShopWire

/// One call position of a `LoadWorker`: the delegate of the call that currently occupies
/// it. A slot is reused for call after call, so the hot path allocates no delegate.
final class CallSlot: ClientCallDelegate {
    /// unowned(unsafe): the worker owns its slots and outlives them; no reference counting.
    unowned(unsafe) let worker: LoadWorker
    /// When the call was meant to start (open loop) or started (closed loop), nanoseconds.
    var startNanoseconds: UInt64 = 0
    var measured = false
    var bytesSent = 0
    var bytesReceived = 0
    var call: ClientCall?
    /// True from `start` until the call finished.
    var busy = false

    /// Index of the worker's connection this slot's calls use; nil: the next in rotation.
    let connection: Int?

    init(worker: LoadWorker, connection: Int?) {
        self.worker = worker
        self.connection = connection
    }

    /// Only statuses count: the call skips collecting response metadata.
    var wantsResponseMetadata: Bool { false }

    func callReceived(messageBytes: UnsafeRawBufferPointer) {
        bytesReceived += messageBytes.count + 5
    }

    func callReceived(message: [UInt8]) {
        bytesReceived += message.count + 5
    }

    func callFinished(status: GRPCStatus, trailers: Metadata) {
        call = nil
        worker.slotFinished(self, status: status)
    }
}
