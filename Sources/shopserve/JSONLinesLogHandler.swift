import Foundation
import Logging

/// One JSON object per log line on stderr, for log collectors:
/// `{"ts":"…","level":"info","logger":"shopserve","message":"…", <metadata>…}`.
struct JSONLinesLogHandler: MetadataCarryingLogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    init(label: String) { self.label = label }

    func log(event: LogEvent) {
        var object: [String: Any] = [
            "ts": LoggingSetup.timestamp(), "level": event.level.rawValue, "logger": label, "message": event.message.description,
        ]
        for (key, value) in metadata(of: event) where object[key] == nil {
            object[key] = Self.json(value)
        }
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else { return }
        LoggingSetup.write(String(decoding: data, as: UTF8.self))
    }

    private static func json(_ value: Logger.MetadataValue) -> Any {
        switch value {
        case let .string(text): return text
        case let .stringConvertible(item): return item.description
        case let .array(items): return items.map(json)
        case let .dictionary(entries): return entries.mapValues(json)
        }
    }
}
