/// Maximal Marginal Relevance re-ranking (rank_service.proto `DiversityOptions`).
public enum DiversityReranking {
    /// Re-orders `order` (candidate indices, best score first): each of the first `topN` positions
    /// goes to the remaining candidate maximising `λ · score − (1 − λ) · max similarity to the
    /// candidates already placed` (ties: the earlier one in `order`); the rest keep score order.
    /// O(topN × count) similarity evaluations.
    public static func mmr(order: [Int], scores: [Float], lambda: Float, topN: Int,
                           similarity: (Int, Int) -> Float) -> [Int] {
        let chosenCount = min(max(topN, 0), order.count)
        guard chosenCount > 0, lambda < 1 else { return order }
        var remaining = order
        var maxSimilarity = [Float](repeating: 0, count: order.count)   // per position in `remaining`
        var placed: [Int] = []
        placed.reserveCapacity(order.count)
        for step in 0..<chosenCount {
            var best = 0
            var bestValue = -Float.infinity
            for (position, candidate) in remaining.enumerated() {
                let penalty = step == 0 ? 0 : maxSimilarity[position]
                let value = lambda * scores[candidate] - (1 - lambda) * penalty
                if value > bestValue {
                    bestValue = value
                    best = position
                }
            }
            let chosen = remaining.remove(at: best)
            maxSimilarity.remove(at: best)
            placed.append(chosen)
            for (position, candidate) in remaining.enumerated() {
                maxSimilarity[position] = max(maxSimilarity[position], similarity(chosen, candidate))
            }
        }
        return placed + remaining
    }
}
