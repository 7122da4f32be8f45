import ShopScheduler

extension RecallModel {
    /// Resolves a query against the catalogue and the stored histories (cheap; caller's thread).
    public func plan(_ query: RecallQuery) -> RecallPlan {
        var unknown = 0
        func rows(_ ids: [String]) -> [Int32] {
            ids.compactMap { id in
                guard let row = catalogue.row(of: id) else { unknown += 1; return nil }
                return row
            }
        }
        let recent = rows(query.recentItemIds)
        let excludedRows = rows(query.excludedItemIds)
        let disliked = rows(query.dislikedItemIds)
        let stored = query.userId.isEmpty ? [] : (users.history(of: query.userId) ?? [])
        var excluded = [Bool](repeating: false, count: catalogue.count)
        for row in recent { excluded[Int(row)] = true }
        for row in excludedRows { excluded[Int(row)] = true }
        for row in disliked { excluded[Int(row)] = true }
        for row in stored { excluded[Int(row)] = true }
        let sequence = Array((recent + stored).prefix(architecture.sequenceLength))
        let limit = min(query.limit.flatMap { $0 > 0 ? $0 : nil } ?? architecture.defaultLimit, architecture.maxLimit)
        return RecallPlan(query: query, stored: stored, recent: recent, disliked: disliked, excluded: excluded,
                          sequence: sequence, limit: limit, unknownCount: unknown)
    }

    /// The quota of `channel` for this query (override or default).
    func quota(_ channel: RecallChannelKind, _ plan: RecallPlan) -> Int {
        plan.query.quotas[channel] ?? architecture.quota(channel)
    }

    /// Every channel's candidates, the dislike penalties and the merge (worker thread).
    func answer(_ plan: RecallPlan, vector: UnsafePointer<Float>, workspace: WorkerWorkspace) throws -> RecallAnswer {
        var produced: [ChannelCandidates] = []
        func add(_ channel: RecallChannelKind, _ parts: ChannelCandidates.Parts) {
            produced.append(ChannelCandidates(channel: channel, rows: parts.rows, scores: parts.scores))
        }
        let n = catalogue.count
        if plan.isColdStart {
            let q = quota(.coldStart, plan)
            if q > 0 {
                add(.coldStart, popularity.coldStart(count: q, hour: plan.query.hourOfDay, weekday: plan.query.weekday,
                                                     excluded: plan.excluded))
            }
        } else {
            let embeddingQuota = quota(.embedding, plan)
            if embeddingQuota > 0 && !plan.sequence.isEmpty {
                add(.embedding, try embeddingCandidates(vector, count: embeddingQuota, plan: plan, workspace: workspace))
            }
            let neighbourChannels: [(RecallChannelKind, [Int32])] = [(.itemToItem, plan.stored), (.realTime, plan.recent)]
            for (channel, history) in neighbourChannels where !history.isEmpty && quota(channel, plan) > 0 {
                var scores = [Double](repeating: 0, count: n)
                var touched = [Bool](repeating: false, count: n)
                neighbours.accumulate(history: history[...], decay: architecture.historyDecay,
                                      limit: architecture.historyItems, scores: &scores, touched: &touched)
                add(channel, DenseSelection.best(scores, count: quota(channel, plan), eligible: touched, excluded: plan.excluded))
            }
            let hotQuota = quota(.hot, plan)
            if hotQuota > 0 { add(.hot, popularity.hot(count: hotQuota, excluded: plan.excluded)) }
        }
        let merged = ChannelMerge.merge(produced, weights: architecture.weights, limit: plan.limit,
                                        penalty: dislikePenalties(plan.disliked))
        var answer = RecallAnswer()
        answer.items = merged.map { RecallAnswer.Item(itemId: catalogue.ids[Int($0.row)], score: $0.score, channel: $0.channel) }
        answer.unknownItemIdCount = plan.unknownCount
        answer.coldStart = plan.isColdStart
        for channel in RecallChannelKind.allCases where quota(channel, plan) > 0 {
            let candidates = produced.first { $0.channel == channel }?.rows.count ?? 0
            let returned = merged.reduce(0) { $0 + ($1.channel == channel ? 1 : 0) }
            answer.channelSummaries.append(.init(channel: channel, quota: quota(channel, plan),
                                                 candidateCount: candidates, returnedCount: returned))
        }
        return answer
    }

    /// The user vector's nearest items in the INT8 index, excluded items filtered out.
    func embeddingCandidates(_ vector: UnsafePointer<Float>, count: Int, plan: RecallPlan,
                             workspace: WorkerWorkspace) throws -> ChannelCandidates.Parts {
        var excludedIds = Set<Int64>()
        for (row, isExcluded) in plan.excluded.enumerated() where isExcluded { excludedIds.insert(Int64(row)) }
        let k = min(count, catalogue.count)
        var hits = [SearchHit](repeating: .none, count: k)
        try hits.withUnsafeMutableBufferPointer { buffer in
            try index.search(queries: vector, count: 1, k: k, filter: SearchFilter(excludedIDs: excludedIds),
                             results: buffer.baseAddress!, scratch: workspace)
        }
        let found = hits.filter(\.isHit)
        return (found.map(\.row), found.map(\.score))
    }

    /// Merge-score factors for the neighbours of disliked items: 1 − penalty · w / w_best, the
    /// strongest penalty when several disliked items share a neighbour.
    func dislikePenalties(_ disliked: [Int32]) -> [Int32: Double] {
        var factors: [Int32: Double] = [:]
        for row in disliked {
            var best: Float = 0
            neighbours.forEachNeighbour(of: row) { neighbour, weight in
                if best == 0 { best = weight }
                guard best > 0 else { return }
                let factor = 1 - architecture.dislikePenalty * Double(weight / best)
                factors[neighbour] = min(factors[neighbour] ?? 1, factor)
            }
        }
        return factors
    }
}
