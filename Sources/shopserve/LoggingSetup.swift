import Foundation
import Logging
import ShopModels

/// How log lines are written.
enum LogFormat: String {
    /// `2026-01-02T03:04:05.678Z info shopserve: message key=value`
    case text
    /// One JSON object per line (`ts`, `level`, `logger`, `message`, metadata fields).
    case json
}

enum LoggingSetup {
    /// Installs the chosen handler for every logger in the process (call once, first thing).
    static func bootstrap(format: LogFormat, level: Logger.Level) {
        LoggingSystem.bootstrap { label in
            var handler: LogHandler
            switch format {
            case .text: handler = TextLogHandler(label: label)
            case .json: handler = JSONLinesLogHandler(label: label)
            }
            handler.logLevel = level
            return handler
        }
    }

    /// ISO-8601 UTC time with milliseconds, without Foundation's slow formatters.
    static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return UTCTimestamp.string(seconds: time_t(now.tv_sec), milliseconds: now.tv_nsec / 1_000_000)
    }

    /// Writes one line to stderr in a single call (lines from threads never interleave).
    static func write(_ line: String) {
        var bytes = Array(line.utf8)
        bytes.append(UInt8(ascii: "\n"))
        bytes.withUnsafeBytes { _ = Foundation.write(2, $0.baseAddress, $0.count) }
    }
}
