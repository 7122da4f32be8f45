import CNGHTTP2
import ShopWire

/// A reusable list of HTTP/2 header fields kept in one contiguous byte buffer, turned into the
/// `nghttp2_nv` array nghttp2's submit functions take (nghttp2 copies the bytes during submit).
/// One per connection: `reset()` keeps the storage, so steady-state responses allocate nothing.
final class HeaderBlock {
    private var bytes: [UInt8] = []
    private var fields: [(nameStart: Int, nameLength: Int, valueLength: Int, flags: UInt8)] = []
    private var nameValuePairs: [nghttp2_nv] = []

    init() {
        bytes.reserveCapacity(512)
        fields.reserveCapacity(16)
        nameValuePairs.reserveCapacity(16)
    }

    func reset() {
        bytes.removeAll(keepingCapacity: true)
        fields.removeAll(keepingCapacity: true)
    }

    func add(_ name: StaticString, _ value: StaticString) {
        append(UnsafeRawBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount),
               UnsafeRawBufferPointer(start: value.utf8Start, count: value.utf8CodeUnitCount))
    }

    /// `neverIndex`: send as a literal outside HPACK's dynamic table (values unique per call,
    /// such as request ids, would only evict the entries worth keeping).
    func add(_ name: StaticString, _ value: String, neverIndex: Bool = false) {
        var value = value
        value.withUTF8 {
            append(UnsafeRawBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount), UnsafeRawBufferPointer($0),
                   flags: neverIndex ? UInt8(NGHTTP2_NV_FLAG_NO_INDEX.rawValue) : 0)
        }
    }

    func add(_ name: String, _ value: String) {
        var name = name
        var value = value
        name.withUTF8 { nameBytes in
            value.withUTF8 { valueBytes in append(UnsafeRawBufferPointer(nameBytes), UnsafeRawBufferPointer(valueBytes)) }
        }
    }

    func add(_ metadata: Metadata) {
        for (name, value) in metadata { add(name, value) }
    }

    private func append(_ name: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer, flags: UInt8 = 0) {
        let start = bytes.count
        bytes.append(contentsOf: name)
        bytes.append(contentsOf: value)
        fields.append((start, name.count, value.count, flags))
    }

    /// Calls `body` with an `nghttp2_nv` array valid only during the call.
    func withNameValuePairs<R>(_ body: (UnsafePointer<nghttp2_nv>, Int) -> R) -> R {
        nameValuePairs.removeAll(keepingCapacity: true)
        return bytes.withUnsafeBufferPointer { buffer in
            let base = UnsafeMutablePointer(mutating: buffer.baseAddress ?? UnsafePointer(bitPattern: 1)!)
            for field in fields {
                nameValuePairs.append(nghttp2_nv(name: base + field.nameStart, value: base + field.nameStart + field.nameLength,
                                                 namelen: field.nameLength, valuelen: field.valueLength,
                                                 flags: field.flags))
            }
            return nameValuePairs.withUnsafeBufferPointer { body($0.baseAddress!, $0.count) }
        }
    }
}
