import Logging

/// What shopserve's log handlers share: handler-level metadata that per-event metadata
/// overrides. Conformers only format and write a line.
protocol MetadataCarryingLogHandler: LogHandler {
    var metadata: Logger.Metadata { get set }
}

extension MetadataCarryingLogHandler {
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// The handler's metadata merged with the event's, the event winning on a shared key.
    func metadata(of event: LogEvent) -> Logger.Metadata {
        metadata.merging(event.metadata ?? [:]) { $1 }
    }
}
