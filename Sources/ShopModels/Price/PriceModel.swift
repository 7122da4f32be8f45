import Foundation
import ShopScheduler

/// Model kind `price.dqn`: a Q-network over the five ``PriceAction``s, run as an INT8 ``MLP``.
///
/// One scheduler row per SKU: ``PriceFeatures/count`` Float features in (built with
/// ``PriceFeatures/build(_:elasticity:into:)``), five Float Q-values out, in action order. The
/// version's config.json `architecture` carries the feature definition (checked against
/// ``PriceFeatures`` at load), the layers, the demand estimate (`demand.own_elasticity`) and the
/// default `shadow_mode`. Immutable after load; `run` is safe on several workers at once.
public final class PriceModel: ServableModel, BatchModel, @unchecked Sendable {
    /// The `config.kind` of this model.
    public static let kind = "price.dqn"

    /// The Q-network: features → Q-values of the five actions.
    public let network: MLP
    /// The own-price elasticity estimate of the demand model (< 0): the `elasticity` feature and
    /// the expected-units estimate use it.
    public let ownElasticity: Double
    /// True when config.json asks for shadow mode by default.
    public let shadowModeDefault: Bool

    public var inputRowBytes: Int { PriceFeatures.count * MemoryLayout<Float>.stride }
    public var outputRowBytes: Int { PriceAction.allCases.count * MemoryLayout<Float>.stride }

    private struct Architecture: Decodable {
        struct Features: Decodable { let version: Int; let names: [String] }
        struct Layer: Decodable { let weight: String; let activation: Activation }
        struct Demand: Decodable { let own_elasticity: Double }
        let features: Features
        let layers: [Layer]
        let actions: [Double]
        let demand: Demand
        let shadow_mode: Bool?
    }

    /// Builds the model of one version (the `ModelKindRegistry` factory).
    /// - Throws: ``ModelLoadError`` when config.json's architecture does not describe this feature
    ///   definition and action set, or a layer tensor is missing or malformed.
    public init(context: ModelLoadContext) throws {
        let configFile = context.configPath
        let architecture = try context.architecture(as: Architecture.self)
        func reject(_ message: String) -> ModelLoadError { ModelLoadError(file: configFile, .modelRejected(message)) }
        guard architecture.features.version == PriceFeatures.version, architecture.features.names == PriceFeatures.names else {
            throw reject("architecture.features is version \(architecture.features.version) \(architecture.features.names); "
                         + "this server builds version \(PriceFeatures.version) \(PriceFeatures.names)")
        }
        let expectedActions = PriceAction.allCases.map { $0.multiplier - 1 }
        guard architecture.actions.count == expectedActions.count,
              zip(architecture.actions, expectedActions).allSatisfy({ abs($0 - $1) < 1e-9 }) else {
            throw reject("architecture.actions \(architecture.actions) differ from \(expectedActions)")
        }
        guard architecture.demand.own_elasticity.isFinite && architecture.demand.own_elasticity < 0 else {
            throw reject("architecture.demand.own_elasticity must be finite and < 0")
        }
        let specs = architecture.layers.map { (prefix: String($0.weight.dropLast(".weight".count)), activation: $0.activation) }
        guard architecture.layers.allSatisfy({ $0.weight.hasSuffix(".weight") }) else {
            throw reject("architecture.layers: every weight must be named '<prefix>.weight'")
        }
        network = try MLP(tensors: context.tensors, layers: specs)
        guard network.inputFeatures == PriceFeatures.count, network.outputFeatures == PriceAction.allCases.count else {
            throw reject("the network maps \(network.inputFeatures) → \(network.outputFeatures) values; "
                         + "expected \(PriceFeatures.count) → \(PriceAction.allCases.count)")
        }
        ownElasticity = architecture.demand.own_elasticity
        shadowModeDefault = architecture.shadow_mode ?? false
    }

    /// Runs the network on a scheduler batch (input: feature rows; output: Q-value rows).
    public func run(_ batch: ModelBatch) throws {
        let input = batch.input.baseAddress!.assumingMemoryBound(to: Float.self)
        let output = batch.output.baseAddress!.assumingMemoryBound(to: Float.self)
        var scratch = LayerScratch(workspace: batch.workspace, region: 0, bytes: network.scratchBytes(rows: batch.rows))
        network.forward(input, rows: batch.rows, output: output, scratch: &scratch)
    }

    /// The features of `state` under this model's elasticity estimate.
    public func features(_ state: SkuPricingState) -> [Float] {
        PriceFeatures.build(state, elasticity: ownElasticity)
    }

    /// Q-values `[rows][5]` of feature rows, outside the scheduler (tests, tools).
    public func qValues(features rows: [[Float]]) -> [[Float]] {
        let flat = rows.flatMap { $0 }
        var output = [Float](repeating: 0, count: rows.count * PriceAction.allCases.count)
        LayerScratch.withAllocated(bytes: network.scratchBytes(rows: rows.count)) { scratch in
            flat.withUnsafeBufferPointer { input in
                output.withUnsafeMutableBufferPointer { out in
                    network.forward(input.baseAddress!, rows: rows.count, output: out.baseAddress!, scratch: &scratch)
                }
            }
        }
        return (0..<rows.count).map { Array(output[($0 * 5)..<($0 * 5 + 5)]) }
    }

    /// Expected units sold per day at `price`: the recent demand level (mean of the leading
    /// sales days) moved along the constant-elasticity demand curve, capped by the stock.
    public func expectedDailyUnits(_ state: SkuPricingState, at price: Double) -> Double {
        let level = PriceFeatures.meanRecentSales(state.recentDailySales)
        guard level > 0 else { return 0 }
        return min(level * pow(price / state.currentPrice, ownElasticity), state.inventoryUnits)
    }
}
