import Foundation
import Logging
import ShopHTTP2
import ShopWire
import XCTest

/// An in-process `GRPCServer` for the bench tests that counts what it answers:
/// - `test.Bench/Count` and `grpc.health.v1.Health/Check` (SERVING) answer every call;
///   every `failEvery`-th call (server-wide order) fails with `failCode` instead, and a
///   call with metadata `fail-with: N` fails with code N;
/// - `pause()` holds every answer until `resume()` (an injected stall).
final class BenchTestServer: @unchecked Sendable {
    let server: GRPCServer
    let port: Int
    let ledger: BenchLedger
    var target: String { "127.0.0.1:\(port)" }

    init(failEvery: Int = 0, failCode: GRPCStatus.Code = .resourceExhausted) throws {
        ledger = BenchLedger(failEvery: failEvery, failCode: failCode)
        var logger = Logger(label: "bench.test.server")
        logger.logLevel = .warning
        let configuration = ServerConfiguration(listen: [ListenAddress(host: "127.0.0.1", port: 0)], reactors: 1)
        let router = ServiceRouter([CountingService(name: "test.Bench", method: "Count", ledger: ledger),
                                    CountingService(name: "grpc.health.v1.Health", method: "Check", ledger: ledger)])
        server = GRPCServer(configuration: configuration, router: router, logger: logger)
        try server.start()
        let bound = try XCTUnwrap(server.boundAddresses.first)
        port = try XCTUnwrap(Int(bound.split(separator: ":").last!))
    }

    func stop() {
        ledger.resume()
        server.beginGracefulShutdown(grace: .seconds(1))
        server.waitUntilStopped()
    }
}

/// The server's count of answered calls per status code, and the stall switch.
final class BenchLedger: @unchecked Sendable {
    private let lock = NSLock()
    private let failEvery: Int
    private let failCode: GRPCStatus.Code
    private var received = 0
    private var answered: [GRPCStatus.Code: Int] = [:]
    private var paused = false
    private var held: [() -> Void] = []

    init(failEvery: Int, failCode: GRPCStatus.Code) {
        self.failEvery = failEvery
        self.failCode = failCode
    }

    /// Numbers a new call and decides its status.
    func admit() -> GRPCStatus {
        lock.lock()
        defer { lock.unlock() }
        received += 1
        return failEvery > 0 && received % failEvery == 0 ? GRPCStatus(failCode, "planned failure \(received)") : .ok
    }

    func recordAnswer(_ code: GRPCStatus.Code) {
        lock.lock()
        answered[code, default: 0] += 1
        lock.unlock()
    }

    /// Runs `answer` now, or on `resume()` while paused.
    func answerWhenRunning(_ answer: @escaping () -> Void) {
        lock.lock()
        if paused {
            held.append(answer)
            lock.unlock()
        } else {
            lock.unlock()
            answer()
        }
    }

    func pause() {
        lock.lock()
        paused = true
        lock.unlock()
    }

    func resume() {
        lock.lock()
        paused = false
        let release = held
        held = []
        lock.unlock()
        release.forEach { $0() }
    }

    var receivedCalls: Int {
        lock.lock()
        defer { lock.unlock() }
        return received
    }

    func answered(_ code: GRPCStatus.Code) -> Int {
        lock.lock()
        defer { lock.unlock() }
        return answered[code] ?? 0
    }

    var answeredTotal: Int {
        lock.lock()
        defer { lock.unlock() }
        return answered.values.reduce(0, +)
    }
}

private final class CountingService: GRPCService {
    let serviceName: String
    let methodNames: [String]
    let ledger: BenchLedger

    init(name: String, method: String, ledger: BenchLedger) {
        serviceName = name
        methodNames = [method]
        self.ledger = ledger
    }

    func makeHandler(method: String, call: ServerCall) -> ServerCallHandler? {
        methodNames.contains(method) ? CountingHandler(call: call, ledger: ledger) : nil
    }
}

private struct CallBox: @unchecked Sendable { let call: ServerCall }

private final class CountingHandler: ServerCallHandler {
    let call: ServerCall
    let ledger: BenchLedger

    init(call: ServerCall, ledger: BenchLedger) {
        self.call = call
        self.ledger = ledger
    }

    func receive(message: UnsafeRawBufferPointer) {}

    func receiveEnd() {
        let admitted = ledger.admit()
        let status = call.requestMetadata.first("fail-with").flatMap(Int.init).flatMap(GRPCStatus.Code.init(rawValue:))
            .map { GRPCStatus($0, "failed as the metadata asked") } ?? admitted
        let box = CallBox(call: call)
        let ledger = self.ledger
        ledger.answerWhenRunning {
            box.call.executor.execute {
                guard !box.call.isCancelled else { return }
                if status.code == .ok { box.call.send(message: [0x08, 0x01]) }  // HealthCheckResponse{SERVING}
                box.call.finish(status)
                ledger.recordAnswer(status.code)
            }
        }
    }

    func cancelled() {}
}
