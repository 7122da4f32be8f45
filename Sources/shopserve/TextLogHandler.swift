import Logging

/// Human-readable log lines on stderr: `time level label: message key=value ...`.
struct TextLogHandler: MetadataCarryingLogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    init(label: String) { self.label = label }

    func log(event: LogEvent) {
        var text = "\(LoggingSetup.timestamp()) \(event.level) \(label): \(event.message)"
        let merged = metadata(of: event)
        for key in merged.keys.sorted() { text += " \(key)=\(merged[key]!)" }
        LoggingSetup.write(text)
    }
}
