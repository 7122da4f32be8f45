import Foundation
@testable import ShopHTTP2
import ShopWire
import XCTest

/// The reactor's building blocks on their own: timers, the cross-thread task queue, executor
/// semantics, and listen-address parsing.
final class ReactorTests: XCTestCase {
    func testTimerHeapPopsInDeadlineOrderAndSkipsCancelled() {
        var heap = TimerHeap()
        var fired: [Int] = []
        let deadlines: [UInt64] = [50, 10, 40, 20, 30, 60]
        var timers: [ReactorTimer] = []
        for (index, deadline) in deadlines.enumerated() {
            let timer = ReactorTimer(deadline: deadline) { fired.append(index) }
            timers.append(timer)
            heap.insert(timer)
        }
        timers[2].cancel()  // deadline 40
        XCTAssertEqual(heap.nextDeadline(), 10)
        while let timer = heap.popExpired(now: 45) { timer.fire() }
        XCTAssertEqual(fired, [1, 3, 4])  // 10, 20, 30; 40 was cancelled
        XCTAssertEqual(heap.nextDeadline(), 50)
        while let timer = heap.popExpired(now: 100) { timer.fire() }
        XCTAssertEqual(fired, [1, 3, 4, 0, 5])
        XCTAssertNil(heap.nextDeadline())
    }

    func testExecutorRunsWorkFromManyThreadsOnTheReactorThread() throws {
        let reactor = try Reactor(index: 0)
        try reactor.start()
        defer {
            reactor.stop()
            reactor.join()
        }
        XCTAssertFalse(reactor.inOwningThread)
        let counter = Counter()
        let done = DispatchSemaphore(value: 0)
        let producers = 4, perProducer = 2000
        DispatchQueue.concurrentPerform(iterations: producers) { _ in
            for _ in 0..<perProducer {
                reactor.execute {
                    XCTAssertTrue(reactor.inOwningThread)
                    if counter.increment() == producers * perProducer { done.signal() }
                }
            }
        }
        XCTAssertEqual(done.wait(timeout: .now() + 10), .success)
    }

    func testTimersScheduledOnTheReactorFire() throws {
        let reactor = try Reactor(index: 0)
        try reactor.start()
        defer {
            reactor.stop()
            reactor.join()
        }
        let fired = DispatchSemaphore(value: 0)
        reactor.execute {
            // A timer that reschedules itself once from its own action.
            var remaining = 2
            func arm() {
                reactor.schedule(afterNanoseconds: 5_000_000) {
                    remaining -= 1
                    if remaining == 0 { fired.signal() } else { arm() }
                }
            }
            arm()
        }
        XCTAssertEqual(fired.wait(timeout: .now() + 5), .success)
    }

    func testListenAddressParsing() {
        XCTAssertEqual(ListenAddress(parsing: "127.0.0.1:50051"), ListenAddress(host: "127.0.0.1", port: 50051))
        XCTAssertEqual(ListenAddress(parsing: "[::1]:0"), ListenAddress(host: "::1", port: 0))
        XCTAssertEqual(ListenAddress(parsing: ":8080"), ListenAddress(host: "0.0.0.0", port: 8080))
        XCTAssertEqual(ListenAddress(parsing: "localhost:1"), ListenAddress(host: "localhost", port: 1))
        for bad in ["127.0.0.1", "::1:80", "[::1]80", "host:70000", "host:-1", "host:x"] {
            XCTAssertNil(ListenAddress(parsing: bad), bad)
        }
        XCTAssertEqual(ListenAddress(host: "::1", port: 5).description, "[::1]:5")
    }
}

private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func increment() -> Int {
        lock.lock(); defer { lock.unlock() }
        value += 1
        return value
    }
}
