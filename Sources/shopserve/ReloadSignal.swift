import Dispatch
import Foundation
import Logging
import ShopModels
import ShopServices

/// SIGHUP: the admin reload. Re-scans the model repository off the signal handler and logs
/// what changed (each load, unload and refusal is also logged by the repository itself).
final class ReloadSignal: @unchecked Sendable {
    private let logger: Logger
    private let models: ModelServing
    private var source: DispatchSourceSignal?
    private let queue = DispatchQueue(label: "shopserve.reload")

    init(models: ModelServing, logger: Logger) {
        self.models = models
        self.logger = logger
    }

    func install() {
        signal(SIGHUP, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: queue)
        source.setEventHandler { [self] in reload() }
        source.resume()
        self.source = source
    }

    private func reload() {
        logger.info("SIGHUP: reloading model repository \(models.repository.root)")
        let events = models.reload()
        var loaded = 0, unloaded = 0, refused = 0
        for event in events {
            switch event {
            case .loaded: loaded += 1
            case .unloaded: unloaded += 1
            case .refused: refused += 1
            }
        }
        let served = models.repository.modelNames.compactMap { name -> String? in
            let versions = models.servedVersions(of: name)
            return versions.isEmpty ? nil : "\(name)@\(versions.map(String.init).joined(separator: ","))"
        }.joined(separator: " ")
        logger.info("reload done: \(loaded) loaded, \(unloaded) unloaded, \(refused) refused; serving: \(served.isEmpty ? "none" : served)")
    }
}
