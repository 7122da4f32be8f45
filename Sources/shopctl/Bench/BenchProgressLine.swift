import Foundation
import ShopBench

#if canImport(Glibc)
import Glibc
#endif

/// The live progress line on stderr (calls, rate, errors, p99 so far), only when stderr is
/// a terminal: redirected output gets nothing extra.
struct BenchProgressLine {
    let enabled = isatty(STDERR_FILENO) == 1

    func show(_ result: BenchResult, label: String) {
        guard enabled else { return }
        let line = String(format: "%@ %6.1fs  calls %d  %.0f/s  errors %d  p99 %.3f ms", label, result.elapsedSeconds,
                          result.stats.calls, result.callsPerSecond, result.stats.errors,
                          result.latencyMilliseconds(atPercentile: 99))
        FileHandle.standardError.write(Data("\r\u{1B}[K\(line)".utf8))
    }

    func clear() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
