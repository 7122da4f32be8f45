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
    public let maxPendingRecords: Int

    private let handle: FileHandle
    private let ownsHandle: Bool
    private let condition = NSCondition()
    private var pending: [PriceAuditRecord] = []
    private var written = 0
    private var appended = 0
    private var dropped = 0
    private var stopping = false
    private var thread: Thread?

    /// Opens the destination (a file is created if needed and appended to) and starts the writer.
    /// - Throws: ``PricingInputError`` (field `audit log`) when the file cannot be created or opened.
    public init(destination: Destination, maxPendingRecords: Int = 100_000) throws {
        self.destination = destination
        self.maxPendingRecords = maxPendingRecords
        switch destination {
        case .standardOutput:
            handle = FileHandle.standardOutput
            ownsHandle = false
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
            handle = opened
            ownsHandle = true
        }
        let thread = Thread { [unowned self] in self.writeLoop() }
        thread.name = "price-audit"
        self.thread = thread
        thread.start()
    }

    deinit {
        close()
    }

    /// Queues records for writing; never blocks on I/O.
    public func append(_ records: [PriceAuditRecord]) {
        condition.lock()
        let room = max(0, maxPendingRecords - pending.count)
        pending.append(contentsOf: records.prefix(room))
        appended += min(room, records.count)
        dropped += records.count - min(room, records.count)
        condition.signal()
        condition.unlock()
    }

    /// Waits until every record appended before this call is written.
    public func flush() {
        condition.lock()
        let target = appended
        while written < target && !stopping { condition.wait() }
        condition.unlock()
    }

    /// Writes what is queued, then stops the writer (later appends are ignored).
    public func close() {
        condition.lock()
        if stopping { condition.unlock(); return }
        stopping = true
        condition.broadcast()
        while !finished { condition.wait() }
        condition.unlock()
        if ownsHandle { try? handle.close() }
    }

    private var finished = false

    private func writeLoop() {
        condition.lock()
        while true {
            while pending.isEmpty && dropped == 0 && !stopping { condition.wait() }
            let batch = pending
            let lost = dropped
            pending.removeAll(keepingCapacity: true)
            dropped = 0
            let done = stopping && batch.isEmpty && lost == 0
            condition.unlock()
            if done { break }
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
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }
}
