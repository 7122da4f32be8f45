import Foundation

/// The dialogue models' text normalization (tools/train/dialogue/features.py, bit for bit):
/// one code point in, one code point out, so character offsets never move.
///
/// 1. each code point is replaced by its NFKC form when that is exactly one code point
///    (full-width `ＡＢＣ１２３，` → `ABC123,`, ideographic space → space, `①` → `1`; `ﬁ` stays);
/// 2. then by its Unicode lower-case mapping when that is exactly one code point;
/// 3. any white-space code point becomes U+0020.
public enum TextNormalizer {
    /// The normalized code points of `text`, one per code point of `text`.
    public static func normalize(_ text: String) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            out.append(normalize(scalar))
        }
        return out
    }

    /// The normalized form of one code point.
    public static func normalize(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        var c = scalar
        if !c.isASCII {
            let compatible = String(String.UnicodeScalarView([c])).precomposedStringWithCompatibilityMapping.unicodeScalars
            if compatible.count == 1, let only = compatible.first { c = only }
        }
        if c.isASCII {
            if c.value >= 0x41 && c.value <= 0x5A { c = Unicode.Scalar(c.value + 0x20)! }
        } else {
            let lower = c.properties.lowercaseMapping.unicodeScalars
            if lower.count == 1, let only = lower.first { c = only }
        }
        if c.properties.isWhitespace || isPythonSpace(c) { c = " " }
        return c
    }

    /// Python's `str.isspace()` also counts the ASCII separators U+001C…U+001F.
    private static func isPythonSpace(_ c: Unicode.Scalar) -> Bool {
        (0x1C...0x1F).contains(c.value) || (0x09...0x0D).contains(c.value)
    }
}
