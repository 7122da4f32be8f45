import Foundation
import ShopHTTP2
import ShopScheduler
import ShopWire

/// Counts every gRPC call by method and status code and records its handling time, for the
/// `grpc_server_handled_total` and `grpc_server_handling_seconds` series (the names the
/// go-grpc-prometheus and grpc-java dashboards read).
///
/// One shard per reactor, each with its own lock, so recording (on the reactor threads) never
/// waits for another reactor; a scrape merges the shards. Calls to paths no service answers
/// share one `unknown` entry.
public final class RPCMetrics: CallObserver, @unchecked Sendable {
    /// Totals of one method.
    public struct MethodSnapshot: Sendable {
        /// Service and method; nil for paths no registered service answers.
        public var method: MethodPath?
        /// Calls by status code (index = `GRPCStatus.Code.rawValue`).
        public var codes: [UInt64]
        /// Handling time: complete request headers to stream close (nanoseconds).
        public var handlingNanoseconds: FixedBucketHistogram
    }

    private final class Shard {
        let lock = NSLock()
        var methods: [MethodPath?: MethodSnapshot] = [:]
    }

    private let shards: [Shard]

    /// A recorder for a server with `reactors` reactor threads.
    public init(reactors: Int) {
        shards = (0..<max(1, reactors)).map { _ in Shard() }
    }

    public func callEnded(_ call: EndedCall) {
        let shard = shards[call.reactorIndex % shards.count]
        shard.lock.lock()
        defer { shard.lock.unlock() }
        Self.count(call, in: &shard.methods[call.method, default: MethodSnapshot(
            method: call.method, codes: Self.emptyCodes, handlingNanoseconds: Self.emptyHistogram)])
    }

    /// Adds `call` to its method's totals (in place: one dictionary lookup per call).
    private static func count(_ call: EndedCall, in totals: inout MethodSnapshot) {
        totals.codes[call.code.rawValue] += 1
        totals.handlingNanoseconds.record(call.nanoseconds)
    }

    /// Every method called so far, merged over the reactors, ordered by service and method
    /// (unknown paths last).
    public func snapshot() -> [MethodSnapshot] {
        var merged: [MethodPath?: MethodSnapshot] = [:]
        for shard in shards {
            let methods = shard.lock.withLock { shard.methods }
            for (key, value) in methods {
                guard var total = merged[key] else {
                    merged[key] = value
                    continue
                }
                for code in total.codes.indices { total.codes[code] += value.codes[code] }
                total.handlingNanoseconds.merge(value.handlingNanoseconds)
                merged[key] = total
            }
        }
        return merged.values.sorted { a, b in
            switch (a.method, b.method) {
            case let (x?, y?): return (x.service, x.method) < (y.service, y.method)
            case (_?, nil): return true
            default: return false
            }
        }
    }

    private static let emptyCodes = [UInt64](repeating: 0, count: GRPCStatus.Code.allCases.count)
    /// 50 µs … ~6.5 s, doubling.
    private static let emptyHistogram = FixedBucketHistogram.exponential(first: 50_000, buckets: 18)
}
