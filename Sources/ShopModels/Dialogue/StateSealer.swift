import COpenSSL
import Foundation

/// Signs and checks the conversation state that travels with the client.
///
/// Envelope: `0x44` (`D`), envelope version `1`, issued-at (u64 Unix seconds, little-endian),
/// user tag (first 8 bytes of SHA-256 of the user id), the ``ConversationState`` bytes, then
/// HMAC-SHA256 over everything before it with the server key. Any replica with the same key can
/// continue a conversation; a state that fails the MAC, is malformed, has another version, belongs
/// to another user, or is older than `maxAge` opens a fresh conversation (the caller logs why).
public struct StateSealer: Sendable {
    /// What became of the state a request carried.
    public enum Opened: Sendable, Equatable {
        /// No state: a new conversation.
        case new
        /// A valid state.
        case continued(ConversationState)
        /// Tampered, foreign key, malformed, other version or other user (the reason, for the log).
        case invalid(String)
        /// Valid but older than the maximum age (its age in seconds).
        case expired(age: Int)
    }

    static let magic: UInt8 = 0x44
    static let envelopeVersion: UInt8 = 1
    static let macBytes = 32
    static let headerBytes = 2 + 8 + 8

    private let key: [UInt8]
    /// Longest time between two turns, in seconds.
    public let maxAge: Int
    /// Tolerated clock difference between replicas for a state "from the future", in seconds.
    public let clockSkew: Int = 300

    /// - Parameters:
    ///   - key: the HMAC key (all replicas that continue each other's conversations share it).
    ///   - maxAge: seconds after which a conversation is not continued.
    public init(key: [UInt8], maxAge: Int) {
        precondition(!key.isEmpty, "the state key must not be empty")
        self.key = key
        self.maxAge = maxAge
    }

    /// The signed bytes of `state` for `userID`, issued at `now` (Unix seconds).
    public func seal(_ state: ConversationState, userID: String, now: Int) -> [UInt8] {
        var w = ByteWriter()
        w.u8(Self.magic)
        w.u8(Self.envelopeVersion)
        w.u64(UInt64(max(now, 0)))
        var bytes = w.bytes + Self.userTag(userID) + state.encoded()
        bytes += mac(bytes)
        return bytes
    }

    /// Checks and opens `bytes` sent by `userID` at `now` (Unix seconds).
    public func open(_ bytes: [UInt8], userID: String, now: Int) -> Opened {
        if bytes.isEmpty { return .new }
        guard bytes.count >= Self.headerBytes + Self.macBytes + 1 else { return .invalid("state too short (\(bytes.count) bytes)") }
        let body = bytes[..<(bytes.count - Self.macBytes)]
        let expected = mac(Array(body))
        let given = Array(bytes[(bytes.count - Self.macBytes)...])
        let same = expected.withUnsafeBytes { e in given.withUnsafeBytes { g in CRYPTO_memcmp(e.baseAddress, g.baseAddress, Self.macBytes) } }
        guard same == 0 else { return .invalid("signature mismatch (tampered, or signed with another key)") }
        var r = ByteReader(body)
        guard r.u8() == Self.magic, r.u8() == Self.envelopeVersion, let issued = r.u64(), let tag = r.take(8) else {
            return .invalid("unknown state envelope version")
        }
        guard Array(tag) == Self.userTag(userID) else { return .invalid("state belongs to another user") }
        let age = now - Int(clamping: issued)
        if age < -clockSkew { return .invalid("state issued in the future (\(-age) s ahead)") }
        if age > maxAge { return .expired(age: age) }
        guard let state = ConversationState.decode(body[(body.startIndex + Self.headerBytes)...]) else {
            return .invalid("malformed or unknown state format version")
        }
        return .continued(state)
    }

    static func userTag(_ userID: String) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
        let utf8 = Array(userID.utf8)
        _ = utf8.withUnsafeBufferPointer { SHA256($0.baseAddress, $0.count, &digest) }
        return Array(digest.prefix(8))
    }

    private func mac(_ data: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Self.macBytes)
        var length: UInt32 = 0
        _ = key.withUnsafeBufferPointer { k in
            data.withUnsafeBufferPointer { d in
                HMAC(EVP_sha256(), k.baseAddress, Int32(k.count), d.baseAddress, d.count, &out, &length)
            }
        }
        return out
    }

    /// The key from `SHOPSERVE_DIALOGUE_KEY` (any text, 16+ bytes; hex is not decoded), or nil.
    public static func keyFromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> [UInt8]? {
        guard let text = environment["SHOPSERVE_DIALOGUE_KEY"], !text.isEmpty else { return nil }
        return Array(text.utf8)
    }

    /// 32 random bytes (a process-local key when none is configured: states then only continue on
    /// this process).
    public static func randomKey() -> [UInt8] {
        var key = [UInt8](repeating: 0, count: 32)
        precondition(RAND_bytes(&key, 32) == 1, "RAND_bytes failed")
        return key
    }
}
