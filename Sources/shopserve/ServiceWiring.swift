import Foundation
import Logging
import ShopModels
import ShopScheduler
import ShopServices
import ShopWire

/// Builds what shopserve serves: the model repository and the batch scheduler behind
/// `ModelServing`, health, reflection (v1 + v1alpha) and the shop services. Health of each
/// shop service follows whether its model is served; `onDrainStart` turns health NOT_SERVING
/// when graceful shutdown begins; `finish` drains the scheduler once the transport stopped.
enum ServiceWiring {
    struct Wiring {
        var router: ServiceRouter
        var onDrainStart: (() -> Void)?
        /// The served models; nil when there is no model repository to serve.
        var models: ModelServing?
        /// PriceService's audit log, closed (queued records written) in `finish`.
        var priceAudit: PriceAuditLog?

        /// After the transport stopped: computes what is still queued, stops the workers, and
        /// logs each model's totals.
        func finish(logger: Logger) {
            defer { priceAudit?.close() }
            guard let models else { return }
            models.shutdown(.drain)
            logger.info("scheduler drained and stopped")
            for model in models.scheduler.metricsSnapshot() where model.completions.values.contains(where: { $0 > 0 }) {
                logger.info("model totals", metadata: [
                    "model": "\(model.model)", "batches": "\(model.batchRows.count)",
                    "mean-batch-rows": "\(String(format: "%.1f", model.batchRows.mean))",
                    "p99-queue-wait-us": "\(model.queueWaitNanoseconds.quantileUpperBound(0.99) / 1_000)",
                    "outcomes": "\(model.completions.filter { $0.value > 0 }.map { "\($0.key.rawValue)=\($0.value)" }.sorted())",
                ])
            }
        }
    }

    /// - Throws: `ModelLoadError` when a models directory that was asked for explicitly is
    ///   not a directory; `PricingInputError` when `--price-audit-log` cannot be opened. A missing default `models/` only logs a warning: the server then
    ///   serves without models (every shop method answers UNAVAILABLE).
    static func makeRouter(settings: ServeSettings, logger: Logger) throws -> Wiring {
        let models = try makeModels(settings: settings, logger: logger)
        let priceAudit = try settings.priceAuditLog.map { try PriceAuditLog(destination: .file($0)) } ?? PriceAuditLog()
        let services = makeShopServices(models: models ?? NoModelsLoaded(), price: PriceServiceOptions(auditLog: priceAudit))
        models?.onChange = { services.refreshModelHealth() }
        services.refreshModelHealth()
        let router = ServiceRouter()
        services.register(in: router)
        return Wiring(router: router, onDrainStart: { services.beginDraining() }, models: models, priceAudit: priceAudit)
    }

    private static func makeModels(settings: ServeSettings, logger: Logger) throws -> ModelServing? {
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: settings.modelsDirectory, isDirectory: &isDirectory)
        if !settings.modelsDirectoryGiven, !(exists && isDirectory.boolValue) {
            logger.warning("no model repository at \(settings.modelsDirectory): serving without models (use --models DIR)")
            return nil
        }
        return try ModelServing.open(
            root: settings.modelsDirectory,
            repository: ModelRepository.Configuration(defaultPolicy: .latest(settings.modelVersions),
                                                      pollInterval: settings.modelPollInterval),
            scheduler: SchedulerConfiguration(workerCount: settings.workers, pinWorkers: settings.pinWorkers))
    }
}
