import CNGHTTP2
import ShopWire

/// A list of HTTP/2 header fields kept in one contiguous byte buffer, turned into the
/// `nghttp2_nv` array nghttp2's submit functions take (nghttp2 copies the bytes during submit).
struct HeaderBlock {
    private var bytes: [UInt8] = []
    private var fields: [(nameStart: Int, nameLength: Int, valueLength: Int)] = []

    init(capacity: Int = 256) {
        bytes.reserveCapacity(capacity)
        fields.reserveCapacity(8)
    }

    mutating func add(_ name: String, _ value: String) {
        let start = bytes.count
        bytes.append(contentsOf: name.utf8)
        let nameLength = bytes.count - start
        bytes.append(contentsOf: value.utf8)
        fields.append((start, nameLength, bytes.count - start - nameLength))
    }

    mutating func add(_ metadata: Metadata) {
        for (name, value) in metadata { add(name, value) }
    }

    var isEmpty: Bool { fields.isEmpty }

    /// Calls `body` with an `nghttp2_nv` array valid only during the call.
    func withNameValuePairs<R>(_ body: (UnsafePointer<nghttp2_nv>, Int) -> R) -> R {
        bytes.withUnsafeBufferPointer { buffer in
            let base = UnsafeMutablePointer(mutating: buffer.baseAddress ?? UnsafePointer(bitPattern: 1)!)
            var nvs = [nghttp2_nv]()
            nvs.reserveCapacity(fields.count)
            for field in fields {
                nvs.append(nghttp2_nv(name: base + field.nameStart, value: base + field.nameStart + field.nameLength,
                                      namelen: field.nameLength, valuelen: field.valueLength,
                                      flags: UInt8(NGHTTP2_NV_FLAG_NONE.rawValue)))
            }
            return nvs.withUnsafeBufferPointer { body($0.baseAddress!, $0.count) }
        }
    }
}
