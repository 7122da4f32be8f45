import Foundation
import ShopModels
import ShopScheduler

/// Builds a model version's scheduler queue settings from its `config.json` `batching`
/// section over server-wide defaults.
///
/// Keys read (all optional):
/// - `max_batch_rows`, `max_queue_delay_us` (parsed by `ModelConfig.Batching`);
/// - `max_queued_rows`, `max_queued_requests`, `split_threshold_rows`: queue bounds and the
///   size above which one request is split across idle workers (positive integers; a
///   missing or invalid value keeps the server default).
enum QueueSettings {
    /// The queue configuration for `loaded`: `defaults` overridden by its config.json.
    static func configuration(for loaded: LoadedModelVersion,
                              defaults: ModelQueueConfiguration) -> ModelQueueConfiguration {
        var settings = defaults
        settings.maxBatchRows = max(1, loaded.config.batching.maxBatchRows)
        settings.maxQueueDelayNanoseconds = UInt64(max(0, loaded.config.batching.maxQueueDelayMicros)) * 1_000
        let limits = QueueLimits.read(configFile: loaded.directory + "/" + LoadedModelVersion.FileName.config)
        if let rows = limits.maxQueuedRows, rows > 0 { settings.maxQueuedRows = rows }
        if let requests = limits.maxQueuedRequests, requests > 0 { settings.maxQueuedRequests = requests }
        if let split = limits.splitThresholdRows, split > 0 { settings.splitThresholdRows = split }
        return settings
    }

    /// The queue-bound keys of `batching`, which `ModelConfig.Batching` does not carry.
    private struct QueueLimits: Decodable {
        var maxQueuedRows: Int?
        var maxQueuedRequests: Int?
        var splitThresholdRows: Int?

        enum CodingKeys: String, CodingKey {
            case maxQueuedRows = "max_queued_rows"
            case maxQueuedRequests = "max_queued_requests"
            case splitThresholdRows = "split_threshold_rows"
        }

        private struct File: Decodable { var batching: QueueLimits? }

        /// The keys from a config.json already validated by the repository; none on any problem.
        static func read(configFile: String) -> QueueLimits {
            guard let data = FileManager.default.contents(atPath: configFile),
                  let file = try? JSONDecoder().decode(File.self, from: data) else { return QueueLimits() }
            return file.batching ?? QueueLimits()
        }
    }
}
