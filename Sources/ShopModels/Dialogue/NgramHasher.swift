/// Hashed character n-gram features of the dialogue models (tools/train/dialogue/features.py is
/// the reference; `tools/train/dialogue/fixtures/hashing.json` the parity contract).
///
/// Hash: FNV-1a 32-bit over the 4 little-endian bytes of a feature-family seed followed by the UTF-8
/// bytes of the n-gram (offset basis 0x811C9DC5, prime 0x01000193); bucket = `hash & (buckets - 1)`.
public struct NgramHasher: Sendable {
    /// Number of buckets of the text (intent, sentiment) features; a power of two.
    public let textBuckets: Int
    /// Number of buckets of the per-character slot features; a power of two.
    public let slotBuckets: Int
    /// Slot features per character (fixed by the feature families below).
    public static let slotFeaturesPerCharacter = 19
    /// Text n-gram orders (their seeds are the orders).
    public static let textOrders = 1...3

    static let outside: Unicode.Scalar = "\u{02}"

    public init(textBuckets: Int, slotBuckets: Int) {
        precondition(textBuckets > 0 && textBuckets & (textBuckets - 1) == 0, "text buckets must be a power of two")
        precondition(slotBuckets > 0 && slotBuckets & (slotBuckets - 1) == 0, "slot buckets must be a power of two")
        self.textBuckets = textBuckets
        self.slotBuckets = slotBuckets
    }

    /// FNV-1a 32-bit of seed (u32 little-endian) ++ UTF-8 of `scalars`.
    public static func fnv1a<S: Sequence>(_ scalars: S, seed: UInt32) -> UInt32 where S.Element == Unicode.Scalar {
        var h: UInt32 = 0x811C_9DC5
        @inline(__always) func mix(_ byte: UInt8) { h = (h ^ UInt32(byte)) &* 0x0100_0193 }
        mix(UInt8(truncatingIfNeeded: seed)); mix(UInt8(truncatingIfNeeded: seed >> 8))
        mix(UInt8(truncatingIfNeeded: seed >> 16)); mix(UInt8(truncatingIfNeeded: seed >> 24))
        for scalar in scalars {
            for unit in UTF8.encode(scalar)! { mix(unit) }
        }
        return h
    }

    /// FNV-1a 32-bit of a string's UTF-8 bytes after the seed.
    public static func fnv1a(_ text: String, seed: UInt32) -> UInt32 { fnv1a(text.unicodeScalars, seed: seed) }

    /// Text feature buckets: every 1..3-gram of " " + text + " " that is not only spaces, order
    /// by order, in text order.
    public func textFeatures(_ normalized: [Unicode.Scalar], into ids: inout [Int32]) {
        ids.removeAll(keepingCapacity: true)
        var padded: [Unicode.Scalar] = [" "]
        padded.append(contentsOf: normalized)
        padded.append(" ")
        let mask = UInt32(textBuckets - 1)
        for n in Self.textOrders where padded.count >= n {
            for start in 0...(padded.count - n) {
                let gram = padded[start..<(start + n)]
                if gram.allSatisfy({ $0 == " " }) { continue }
                ids.append(Int32(Self.fnv1a(gram, seed: UInt32(n)) & mask))
            }
        }
    }

    /// Slot feature buckets: `slotFeaturesPerCharacter` ids per character, appended to `ids`.
    public func slotFeatures(_ t: [Unicode.Scalar], into ids: inout [Int32]) {
        ids.removeAll(keepingCapacity: true)
        let n = t.count
        let mask = UInt32(slotBuckets - 1)
        func at(_ i: Int) -> Unicode.Scalar { i >= 0 && i < n ? t[i] : Self.outside }
        func add(_ scalars: [Unicode.Scalar], _ seed: Int) {
            ids.append(Int32(Self.fnv1a(scalars, seed: UInt32(bitPattern: Int32(seed))) & mask))
        }
        // Latin/digit token around each character.
        var tokenStart = [Int](repeating: -1, count: n), tokenEnd = [Int](repeating: -1, count: n)
        var i = 0
        while i < n {
            if Self.isTokenCharacter(t[i]) {
                var j = i
                while j < n && Self.isTokenCharacter(t[j]) { j += 1 }
                for k in i..<j { tokenStart[k] = i; tokenEnd[k] = j }
                i = j
            } else {
                i += 1
            }
        }
        for i in 0..<n {
            for d in -3...3 { add([at(i + d)], 10 + d) }
            for d in -3...2 { add([at(i + d), at(i + d + 1)], 20 + d) }
            for d in -2...0 { add([at(i + d), at(i + d + 1), at(i + d + 2)], 30 + d) }
            add([Self.characterClass(at(i - 1)), Self.characterClass(at(i)), Self.characterClass(at(i + 1))], 40)
            let token = tokenStart[i] >= 0 ? Array(t[tokenStart[i]..<tokenEnd[i]]) : []
            add(token, 41)
            let digits = token.filter { $0.value >= 0x30 && $0.value <= 0x39 }.count
            add(Array("d\(digits)a\(token.count - digits)".unicodeScalars), 42)
        }
    }

    static func isTokenCharacter(_ c: Unicode.Scalar) -> Bool {
        (c.value >= 0x30 && c.value <= 0x39) || (c.value >= 0x61 && c.value <= 0x7A)
    }

    static func characterClass(_ c: Unicode.Scalar) -> Unicode.Scalar {
        if c == outside { return "_" }
        let v = c.value
        if v >= 0x30 && v <= 0x39 { return "d" }
        if v >= 0x61 && v <= 0x7A { return "a" }
        if c == " " { return "s" }
        if (0x3400...0x9FFF).contains(v) || (0xF900...0xFAFF).contains(v) || (0x20000...0x2FFFF).contains(v) { return "c" }
        return "p"
    }
}
