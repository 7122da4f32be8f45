/// The popularity-based channels: `hot` (recent popularity, best first) and `cold start` (the most
/// popular items with per-context lifts: score = base · hour_lift[hour bucket] · weekday_lift[weekday]).
///
/// Tensors: `hot.items` I32 `[H]`, `hot.scores` F32 `[H]`; `cold.items` I32 `[C]`, `cold.base` F32 `[C]`,
/// `cold.hour_lift` F32 `[C, hourBuckets]`, `cold.weekday_lift` F32 `[C, 7]`. Immutable; thread-safe.
public final class PopularityTables: @unchecked Sendable {
    private let hotItems: TensorView<Int32>
    private let hotScores: TensorView<Float>
    private let coldItems: TensorView<Int32>
    private let coldBase: TensorView<Float>
    private let hourLift: TensorView<Float>
    private let weekdayLift: TensorView<Float>
    /// Hour-of-day buckets of the lift table (24 / hourBuckets hours each).
    public let hourBuckets: Int

    public init(tensors: SafetensorsFile, items: Int) throws {
        hotItems = try tensors.tensor("hot.items", as: Int32.self)
        hotScores = try tensors.tensor("hot.scores", as: Float.self, shape: hotItems.shape)
        coldItems = try tensors.tensor("cold.items", as: Int32.self)
        let c = coldItems.count
        coldBase = try tensors.tensor("cold.base", as: Float.self, shape: [c])
        hourLift = try tensors.tensor("cold.hour_lift", as: Float.self)
        guard hourLift.shape.count == 2, hourLift.shape[0] == c, hourLift.shape[1] > 0, 24 % hourLift.shape[1] == 0 else {
            throw ModelLoadError(file: tensors.path, .shapeMismatch(tensor: "cold.hour_lift", actual: hourLift.shape, expected: [c, 6]))
        }
        hourBuckets = hourLift.shape[1]
        weekdayLift = try tensors.tensor("cold.weekday_lift", as: Float.self, shape: [c, 7])
        for view in [hotItems, coldItems] {
            for row in view.buffer where row < 0 || Int(row) >= items {
                throw ModelLoadError(file: tensors.path, .modelRejected("\(view.info) holds item row \(row) outside 0..<\(items)"))
            }
        }
    }

    /// The first `count` hot items that are not excluded, with their hot scores.
    func hot(count: Int, excluded: [Bool]) -> ChannelCandidates.Parts {
        var rows: [Int32] = [], scores: [Float] = []
        for i in 0..<hotItems.count where rows.count < count {
            let row = hotItems[i]
            if excluded[Int(row)] { continue }
            rows.append(row)
            scores.append(hotScores[i])
        }
        return (rows, scores)
    }

    /// The best `count` cold-start items for a context (nil = unknown: no lift), not excluded.
    /// `hour` is 0...23, `weekday` 0...6 (ISO Monday = 0).
    func coldStart(count: Int, hour: Int?, weekday: Int?, excluded: [Bool]) -> ChannelCandidates.Parts {
        var scores = [Double](repeating: 0, count: excluded.count)
        var eligible = [Bool](repeating: false, count: excluded.count)
        let bucket = hour.map { $0 / (24 / hourBuckets) }
        for i in 0..<coldItems.count {
            var score = Double(coldBase[i])
            if let bucket { score *= Double(hourLift[i * hourBuckets + bucket]) }
            if let weekday { score *= Double(weekdayLift[i * 7 + weekday]) }
            let row = Int(coldItems[i])
            scores[row] = score
            eligible[row] = true
        }
        return DenseSelection.best(scores, count: count, eligible: eligible, excluded: excluded)
    }
}
