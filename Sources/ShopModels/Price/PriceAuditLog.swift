import Foundation

/// Where price decisions are recorded: JSON lines (``PriceAuditRecord``) appended to a file or
/// written to standard output, by a writer thread of its own.
///
/// `append` only moves records into a queue under a short lock and signals the writer, so the
/// caller (a reactor thread) never waits for encoding or disk. The queue is bounded
/// (`maxPendingRecords`): beyond it records are dropped and counted, and the next write adds a line
/// `{"dropped_records": n}` so a gap in the trail is itself on record. `flush()` waits until every
/// record appended so far is written (tests, shutdown).
public final class PriceAuditLog: @unchecked Sendable {
    /// The destination of the lines.
    public enum Destination: Sendable, Equatable {
        case standardOutput
        case file(String)
    }

    public let destination: Destination
    /// Most records waiting for the writer.
    public var maxPendingRecords: Int { queue.capacity }

    private let queue: AuditQueue

    /// A log on standard output.
    public convenience init(maxPendingRecords: Int = 100_000) {
        self.init(queue: AuditQueue(handle: FileHandle.standardOutput, ownsHandle: false, capacity: maxPendingRecords),
                  destination: .standardOutput)
    }

    /// Opens the destination (a file is created if needed and appended to) and starts the writer.
    /// - Throws: ``PricingInputError`` (field `audit log`) when the file cannot be created or opened.
    public convenience init(destination: Destination, maxPendingRecords: Int = 100_000) throws {
        switch destination {
        case .standardOutput:
            self.init(maxPendingRecords: maxPendingRecords)
        case .file(let path):
            if !FileManager.default.fileExists(atPath: path) {
                guard FileManager.default.createFile(atPath: path, contents: nil) else {
                    throw PricingInputError("audit log", "cannot create \(path)")
                }
            }
            guard let opened = FileHandle(forWritingAtPath: path) else {
                throw PricingInputError("audit log", "cannot open \(path) for writing")
            }
            opened.seekToEndOfFile()
            self.init(queue: AuditQueue(handle: opened, ownsHandle: true, capacity: maxPendingRecords), destination: destination)
        }
    }

    private init(queue: AuditQueue, destination: Destination) {
        self.queue = queue
        self.destination = destination
        let thread = Thread { queue.writeLoop() }  // the thread keeps the queue, not the log
        thread.name = "price-audit"
        thread.start()
    }

    deinit {
        queue.close()
    }

    /// Queues records for writing; never blocks on I/O. Ignored after `close()`.
    public func append(_ records: [PriceAuditRecord]) { queue.append(records) }

    /// Waits until every record appended before this call is written.
    public func flush() { queue.flush() }

    /// Writes what is queued, then stops the writer and closes a file destination.
    public func close() { queue.close() }
}

/// The records between the callers and the writer thread.
private final class AuditQueue: @unchecked Sendable {
    let capacity: Int
    private let handle: FileHandle
    private let ownsHandle: Bool
    private let condition = NSCondition()
    private var pending: [PriceAuditRecord] = []
    private var written = 0
    private var appended = 0
    private var dropped = 0
    private var stopping = false
    private var finished = false

    init(handle: FileHandle, ownsHandle: Bool, capacity: Int) {
        self.handle = handle
        self.ownsHandle = ownsHandle
        self.capacity = capacity
    }

    func append(_ records: [PriceAuditRecord]) {
        condition.lock()
        defer { condition.unlock() }
        guard !stopping else { return }
        let accepted = min(max(0, capacity - pending.count), records.count)
        pending.append(contentsOf: records.prefix(accepted))
        appended += accepted
        dropped += records.count - accepted
        condition.signal()
    }

    func flush() {
        condition.lock()
        let target = appended
        while written < target && !finished { condition.wait() }
        condition.unlock()
    }

    func close() {
        condition.lock()
        if stopping { condition.unlock(); return }
        stopping = true
        condition.broadcast()
        while !finished { condition.wait() }
        condition.unlock()
        if ownsHandle { try? handle.close() }
    }

    func writeLoop() {
        condition.lock()
        while true {
            while pending.isEmpty && dropped == 0 && !stopping { condition.wait() }
            let batch = pending
            let lost = dropped
            pending.removeAll(keepingCapacity: true)
            dropped = 0
            if stopping && batch.isEmpty && lost == 0 { break }
            condition.unlock()
            var data = Data()
            if lost > 0 { data.append(Data("{\"dropped_records\":\(lost)}\n".utf8)) }
            for record in batch {
                if let line = try? record.jsonLine() {
                    data.append(line)
                    data.append(0x0A)
                }
            }
            handle.write(data)
            condition.lock()
            written += batch.count
            condition.broadcast()
        }
        finished = true
        condition.broadcast()
        condition.unlock()
    }
}
