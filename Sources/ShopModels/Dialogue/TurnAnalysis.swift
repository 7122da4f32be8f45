import ShopScheduler

/// What the models found in one user turn.
public struct TurnAnalysis: Sendable, Equatable {
    /// A slot span in the turn's text.
    public struct SlotSpan: Sendable, Equatable {
        /// Slot name ("product", "color", ...).
        public var name: String
        /// The text as written.
        public var raw: String
        /// Normalized against the knowledge base ("black", "256GB", a product id, a number); "" when
        /// nothing matches.
        public var normalized: String
        /// Code-point offsets in the request text, `[start, end)`.
        public var start: Int
        public var end: Int
    }

    /// The top intent's name (`DialogueArchitecture.intents`) and probability.
    public var intent: String
    public var intentConfidence: Float
    /// Every intent's probability, by intent name.
    public var intentProbabilities: [String: Float] = [:]
    public var slots: [SlotSpan]
    /// "negative", "neutral" or "positive".
    public var sentiment: String
    /// p(positive) − p(negative), in [-1, 1].
    public var sentimentScore: Float
    /// "low", "medium" or "high" ("low" for neutral).
    public var intensity: String
}

extension DialogueModel {
    /// Decodes output row `row` of a batch for the turn `text` (the text whose row was filled).
    public func analysis(of text: String, row: UnsafeRawBufferPointer) -> TurnAnalysis {
        let intents = architecture.intents
        let probabilities = (0..<probabilityCount).map { row.loadUnaligned(fromByteOffset: 4 * $0, as: Float.self) }
        var best = 0
        for i in intents.indices where probabilities[i] > probabilities[best] { best = i }
        let sentiment = Array(probabilities[intents.count..<(intents.count + 3)])
        let intensity = Array(probabilities[(intents.count + 3)...])
        let label = sentiment.indices.max { sentiment[$0] < sentiment[$1] }!
        let level = intensity.indices.max { intensity[$0] < intensity[$1] }!

        let scalars = Array(text.unicodeScalars.prefix(Self.maxCharacters))
        let tagOffset = probabilityCount * 4
        let tags = (0..<scalars.count).map { Int(row[tagOffset + $0]) }
        let normalizer = SlotNormalizer(knowledgeBase: knowledgeBase)
        let slots = Self.wordSpans(Self.spans(tags: tags, tagNames: architecture.slotTags), in: scalars).map { span -> TurnAnalysis.SlotSpan in
            var raw = String.UnicodeScalarView()
            raw.append(contentsOf: scalars[span.start..<span.end])
            let rawText = String(raw)
            return .init(name: span.slot, raw: rawText, normalized: normalizer.normalize(slot: span.slot, raw: rawText) ?? "",
                         start: span.start, end: span.end)
        }
        let sentimentName = architecture.sentiments[label]
        var reading = TurnAnalysis(intent: intents[best], intentConfidence: probabilities[best], slots: slots,
                                   sentiment: sentimentName, sentimentScore: sentiment[2] - sentiment[0],
                                   intensity: sentimentName == "neutral" ? "low" : architecture.intensities[level])
        reading.intentProbabilities = Dictionary(uniqueKeysWithValues: zip(intents, probabilities))
        return reading
    }

    /// BIO tags → spans; an I- tag that does not continue a span of its slot opens one (as
    /// tools/train/dialogue/labels.py decode_spans).
    static func spans(tags: [Int], tagNames: [String]) -> [(start: Int, end: Int, slot: String)] {
        var spans: [(start: Int, end: Int, slot: String)] = []
        var current: (start: Int, slot: String)?
        for (i, tag) in (tags + [0]).enumerated() {
            let name = tag < tagNames.count ? tagNames[tag] : "O"
            let slot = String(name.dropFirst(2))
            if name == "O" || name.hasPrefix("B-") || (current != nil && current!.slot != slot) {
                if let open = current { spans.append((open.start, i, open.slot)) }
                current = name == "O" ? nil : (i, slot)
            } else if current == nil {
                current = (i, slot)
            }
        }
        return spans
    }

    /// Spans trimmed of spaces, without those that start or end inside a Latin/digit word (slot
    /// values are whole words), as labels.py `decode_spans(tags, text)`.
    static func wordSpans(_ spans: [(start: Int, end: Int, slot: String)], in text: [Unicode.Scalar]) -> [(start: Int, end: Int, slot: String)] {
        func isWord(_ c: Unicode.Scalar) -> Bool {
            (0x30...0x39).contains(c.value) || (0x41...0x5A).contains(c.value) || (0x61...0x7A).contains(c.value)
        }
        return spans.compactMap { span in
            var (start, end) = (span.start, span.end)
            while start < end && text[start] == " " { start += 1 }
            while end > start && text[end - 1] == " " { end -= 1 }
            if start == end { return nil }
            if start > 0 && isWord(text[start - 1]) && isWord(text[start]) { return nil }
            if end < text.count && isWord(text[end - 1]) && isWord(text[end]) { return nil }
            return (start, end, span.slot)
        }
    }

    /// Runs the models on `texts` directly (one batch, outside the scheduler): tests and tools.
    public func analyze(_ texts: [String]) throws -> [TurnAnalysis] {
        let rows = texts.count
        let input = UnsafeMutableRawBufferPointer.allocate(byteCount: max(rows * inputRowBytes, 1), alignment: 64)
        let output = UnsafeMutableRawBufferPointer.allocate(byteCount: max(rows * outputRowBytes, 1), alignment: 64)
        defer { input.deallocate(); output.deallocate() }
        for (r, text) in texts.enumerated() {
            fillRow(text, into: UnsafeMutableRawBufferPointer(rebasing: input[(r * inputRowBytes)..<((r + 1) * inputRowBytes)]))
        }
        let segment = [BatchSegment(batchRowOffset: 0, requestRowOffset: 0, rowCount: rows, context: nil)]
        try segment.withUnsafeBufferPointer { segments in
            try run(ModelBatch(rows: rows, input: UnsafeRawBufferPointer(input), output: output, segments: segments,
                               workspace: WorkerWorkspace(), workerIndex: 0))
        }
        return texts.enumerated().map { r, text in
            analysis(of: text, row: UnsafeRawBufferPointer(rebasing: output[(r * outputRowBytes)..<((r + 1) * outputRowBytes)]))
        }
    }
}
