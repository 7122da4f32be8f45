/// Everything the dialogue engine remembers between turns. It travels with the client as
/// opaque bytes (``StateSealer`` signs and checks them), so it stays small: compact binary,
/// versioned by ``formatVersion``, with bounded history.
public struct ConversationState: Sendable, Equatable {
    /// Binary format version; a state with another version starts a fresh conversation.
    public static let formatVersion: UInt8 = 1
    /// User messages kept for a hand-off ticket.
    public static let keptMessages = 3
    /// Characters kept of each message.
    public static let keptMessageCharacters = 200
    /// Sentiment scores kept.
    public static let keptSentiments = 8

    /// Turns so far (including the current one once the engine has run).
    public var turnCount: Int = 0
    /// The intent the conversation is about ("" before the first understood turn).
    public var currentIntent: String = ""
    /// Slots filled so far: name → normalized value (`product` is the product in focus).
    public var slots: [String: String] = [:]
    /// A second product (comparisons).
    public var secondProduct: String = ""
    /// Slots the last reply asked for.
    public var pendingSlots: [String] = []
    /// Consecutive turns not understood.
    public var misunderstoodTurns: Int = 0
    /// Sentiment scores of the last turns, oldest first, in [-1, 1].
    public var sentimentHistory: [Float] = []
    /// The last user messages, oldest first (for hand-off tickets).
    public var recentMessages: [String] = []
    /// "zh-CN" or "en".
    public var language: String = ""
    /// The model version that served the last turn (0 = none).
    public var modelVersion: Int = 0

    public init() {}

    /// The product in focus (a catalogue id), or nil.
    public var productInFocus: String? { slots["product"] }

    mutating func remember(message: String, sentiment: Float) {
        recentMessages.append(String(message.prefix(Self.keptMessageCharacters)))
        if recentMessages.count > Self.keptMessages { recentMessages.removeFirst(recentMessages.count - Self.keptMessages) }
        // Kept on the 1/127 grid the encoding uses, so a decoded state equals the one encoded.
        sentimentHistory.append((max(-1, min(1, sentiment)) * 127).rounded() / 127)
        if sentimentHistory.count > Self.keptSentiments { sentimentHistory.removeFirst(sentimentHistory.count - Self.keptSentiments) }
    }

    // MARK: binary encoding (little-endian; strings are u16 length + UTF-8)

    /// The state's bytes (without the signature envelope).
    public func encoded() -> [UInt8] {
        var w = ByteWriter()
        w.u8(Self.formatVersion)
        w.u32(UInt32(clamping: turnCount))
        w.string(currentIntent)
        w.u8(UInt8(clamping: slots.count))
        for (name, value) in slots.sorted(by: { $0.key < $1.key }).prefix(255) {
            w.string(name)
            w.string(value)
        }
        w.string(secondProduct)
        w.u8(UInt8(clamping: pendingSlots.count))
        for slot in pendingSlots.prefix(255) { w.string(slot) }
        w.u8(UInt8(clamping: misunderstoodTurns))
        w.u8(UInt8(clamping: sentimentHistory.count))
        for score in sentimentHistory { w.u8(UInt8(bitPattern: Int8(clamping: Int((score * 127).rounded())))) }
        w.u8(UInt8(clamping: recentMessages.count))
        for message in recentMessages { w.string(message) }
        w.string(language)
        w.u32(UInt32(clamping: modelVersion))
        return w.bytes
    }

    /// Parses ``encoded()`` bytes; nil when they are malformed or of another format version.
    public static func decode(_ bytes: ArraySlice<UInt8>) -> ConversationState? {
        var r = ByteReader(bytes)
        guard r.u8() == formatVersion else { return nil }
        var s = ConversationState()
        guard let turns = r.u32(), let intent = r.string(), let slotCount = r.u8() else { return nil }
        s.turnCount = Int(turns)
        s.currentIntent = intent
        for _ in 0..<slotCount {
            guard let name = r.string(), let value = r.string() else { return nil }
            s.slots[name] = value
        }
        guard let second = r.string(), let pendingCount = r.u8() else { return nil }
        s.secondProduct = second
        for _ in 0..<pendingCount {
            guard let slot = r.string() else { return nil }
            s.pendingSlots.append(slot)
        }
        guard let misunderstood = r.u8(), let sentimentCount = r.u8() else { return nil }
        s.misunderstoodTurns = Int(misunderstood)
        for _ in 0..<sentimentCount {
            guard let raw = r.u8() else { return nil }
            s.sentimentHistory.append(Float(Int8(bitPattern: raw)) / 127)
        }
        guard let messageCount = r.u8() else { return nil }
        for _ in 0..<messageCount {
            guard let message = r.string() else { return nil }
            s.recentMessages.append(message)
        }
        guard let language = r.string(), let version = r.u32(), r.isAtEnd else { return nil }
        s.language = language
        s.modelVersion = Int(version)
        return s
    }
}

struct ByteWriter {
    var bytes: [UInt8] = []
    mutating func u8(_ v: UInt8) { bytes.append(v) }
    mutating func u32(_ v: UInt32) { for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: v >> shift)) } }
    mutating func u64(_ v: UInt64) { for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: v >> shift)) } }
    mutating func string(_ s: String) {
        let utf8 = Array(s.utf8.prefix(Int(UInt16.max)))
        bytes.append(UInt8(truncatingIfNeeded: utf8.count))
        bytes.append(UInt8(truncatingIfNeeded: utf8.count >> 8))
        bytes += utf8
    }
}

struct ByteReader {
    private let bytes: ArraySlice<UInt8>
    private var index: Int
    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        index = bytes.startIndex
    }
    var isAtEnd: Bool { index == bytes.endIndex }
    mutating func take(_ n: Int) -> ArraySlice<UInt8>? {
        guard n >= 0, bytes.endIndex - index >= n else { return nil }
        defer { index += n }
        return bytes[index..<(index + n)]
    }
    mutating func u8() -> UInt8? { take(1)?.first }
    mutating func u32() -> UInt32? { take(4).map { $0.reversed().reduce(0) { $0 << 8 | UInt32($1) } } }
    mutating func u64() -> UInt64? { take(8).map { $0.reversed().reduce(0) { $0 << 8 | UInt64($1) } } }
    mutating func string() -> String? {
        guard let low = u8(), let high = u8(), let utf8 = take(Int(low) | Int(high) << 8) else { return nil }
        return String(validating: utf8, as: UTF8.self)
    }
}
