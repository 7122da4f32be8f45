import Logging

/// Human-readable log lines on stderr: `time level label: message key=value ...`.
struct TextLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    init(label: String) { self.label = label }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let level = event.level, message = event.message, explicit = event.metadata
        var text = "\(LoggingSetup.timestamp()) \(level) \(label): \(message)"
        let merged = metadata.merging(explicit ?? [:]) { $1 }
        for key in merged.keys.sorted() { text += " \(key)=\(merged[key]!)" }
        LoggingSetup.write(text)
    }
}
