// TEMPORARY: stands in for the ShopWire framing / timeout / percent-encoding / gzip helpers
// that the transport branch is writing. Replaced by the real ShopWire API at merge time.
import ShopWire

enum Wire {
    struct Message {
        var compressed: Bool
        var payload: [UInt8]
    }

    static func frame(_ message: [UInt8], compressed: Bool) -> [UInt8] {
        var out: [UInt8] = [compressed ? 1 : 0]
        let n = UInt32(message.count)
        out += [UInt8(n >> 24), UInt8(truncatingIfNeeded: n >> 16), UInt8(truncatingIfNeeded: n >> 8), UInt8(truncatingIfNeeded: n)]
        out += message
        return out
    }

    struct Deframer {
        var buffer: [UInt8] = []
        var maxMessageBytes: Int
        init(maxMessageBytes: Int) { self.maxMessageBytes = maxMessageBytes }
        var hasPartialMessage: Bool { !buffer.isEmpty }
        mutating func append(_ bytes: UnsafeRawBufferPointer) throws -> [Message] {
            buffer.append(contentsOf: bytes)
            var messages: [Message] = []
            var offset = 0
            while buffer.count - offset >= 5 {
                let n = Int(buffer[offset + 1]) << 24 | Int(buffer[offset + 2]) << 16 | Int(buffer[offset + 3]) << 8 | Int(buffer[offset + 4])
                if n > maxMessageBytes { throw GRPCStatus(.resourceExhausted, "response message of \(n) bytes exceeds the limit of \(maxMessageBytes)") }
                guard buffer.count - offset - 5 >= n else { break }
                messages.append(Message(compressed: buffer[offset] != 0, payload: Array(buffer[(offset + 5)..<(offset + 5 + n)])))
                offset += 5 + n
            }
            buffer.removeFirst(offset)
            return messages
        }
    }

    static func timeoutHeader(nanoseconds: UInt64) -> String {
        var value = nanoseconds
        for unit in ["n", "u", "m", "S"] {
            if value < 100_000_000 { return "\(value)\(unit)" }
            value = (value + 999) / 1000
        }
        return "\(min(value / 60, 99_999_999))M"
    }

    static func percentDecode(_ text: String) -> String {
        var bytes: [UInt8] = []
        var utf8 = Array(text.utf8)[...]
        while let b = utf8.popFirst() {
            if b == UInt8(ascii: "%"), utf8.count >= 2, let v = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(v)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(b)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func gzip(_ bytes: [UInt8]) throws -> [UInt8] {
        throw GRPCStatus(.unimplemented, "gzip not available yet")
    }

    static func gunzip(_ bytes: [UInt8], limit: Int) throws -> [UInt8] {
        throw GRPCStatus(.unimplemented, "gzip not available yet")
    }
}
