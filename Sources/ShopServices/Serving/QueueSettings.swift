import ShopModels
import ShopScheduler

/// Builds a model version's scheduler queue settings from its `config.json` `batching`
/// section over server-wide defaults.
///
/// Keys (all optional; see docs/model-format.md): `max_batch_rows`, `max_queue_delay_us`,
/// `max_queued_rows`, `max_queued_requests`, `split_threshold_rows` (queue bounds and the size
/// above which one request is split across idle workers; a value below 1 keeps the server default).
enum QueueSettings {
    /// The queue configuration for `loaded`: `defaults` overridden by its config.json.
    static func configuration(for loaded: LoadedModelVersion,
                              defaults: ModelQueueConfiguration) -> ModelQueueConfiguration {
        let batching = loaded.config.batching
        var settings = defaults
        settings.maxBatchRows = max(1, batching.maxBatchRows)
        settings.maxQueueDelayNanoseconds = UInt64(max(0, batching.maxQueueDelayMicros)) * 1_000
        if let rows = batching.maxQueuedRows, rows > 0 { settings.maxQueuedRows = rows }
        if let requests = batching.maxQueuedRequests, requests > 0 { settings.maxQueuedRequests = requests }
        if let split = batching.splitThresholdRows, split > 0 { settings.splitThresholdRows = split }
        return settings
    }
}
