import XCTest
@testable import ShopModels

/// The signed conversation state: round trip, and every way a state can be refused.
final class DialogueStateTests: XCTestCase {
    let sealer = StateSealer(key: Array("test-key-0123456789abcdef".utf8), maxAge: 600)
    let now = 1_700_000_000

    func sampleState() -> ConversationState {
        var state = ConversationState()
        state.turnCount = 3
        state.currentIntent = "stock_query"
        state.slots = ["product": "phone-x1", "color": "black"]
        state.pendingSlots = ["storage"]
        state.misunderstoodTurns = 1
        state.remember(message: "这款手机有现货吗?", sentiment: -0.5)
        state.remember(message: "黑色", sentiment: 0.25)
        state.language = "zh-CN"
        state.modelVersion = 1
        return state
    }

    func testRoundTrip() {
        let sealed = sealer.seal(sampleState(), userID: "u1", now: now)
        guard case .continued(let opened) = sealer.open(sealed, userID: "u1", now: now + 10) else {
            return XCTFail("valid state not continued")
        }
        XCTAssertEqual(opened.slots, sampleState().slots)
        XCTAssertEqual(opened.recentMessages, sampleState().recentMessages)
        XCTAssertEqual(opened.sentimentHistory.count, 2)
        XCTAssertEqual(opened.sentimentHistory[0], -0.5, accuracy: 0.01)
        XCTAssertEqual(opened.turnCount, 3)
        XCTAssertEqual(opened.pendingSlots, ["storage"])
    }

    func testEmptyStateIsNew() {
        XCTAssertEqual(sealer.open([], userID: "u1", now: now), .new)
    }

    func testEveryFlippedByteIsRefused() {
        let sealed = sealer.seal(sampleState(), userID: "u1", now: now)
        for index in sealed.indices {
            var tampered = sealed
            tampered[index] ^= 0x01
            guard case .invalid = sealer.open(tampered, userID: "u1", now: now) else {
                return XCTFail("flipping byte \(index) was not detected")
            }
        }
    }

    func testForeignKeyUserTruncationAndGarbageAreRefused() {
        let sealed = sealer.seal(sampleState(), userID: "u1", now: now)
        let other = StateSealer(key: Array("another-key-000000000000".utf8), maxAge: 600)
        XCTAssertTrue(isInvalid(other.open(sealed, userID: "u1", now: now)), "foreign key")
        XCTAssertTrue(isInvalid(sealer.open(sealed, userID: "u2", now: now)), "another user")
        XCTAssertTrue(isInvalid(sealer.open(Array(sealed.dropLast(5)), userID: "u1", now: now)), "truncated")
        XCTAssertTrue(isInvalid(sealer.open(Array(sealed.dropLast(40)), userID: "u1", now: now)), "truncated to nothing")
        var generator = SystemRandomNumberGenerator()
        for length in [1, 17, 50, 51, 200, 4096] {
            let garbage = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            XCTAssertTrue(isInvalid(sealer.open(garbage, userID: "u1", now: now)), "garbage of \(length) bytes")
        }
        XCTAssertTrue(isInvalid(sealer.open(sealed, userID: "u1", now: now - 3_600)), "issued in the future")
    }

    func testExpiry() {
        let sealed = sealer.seal(sampleState(), userID: "", now: now)
        XCTAssertEqual(sealer.open(sealed, userID: "", now: now + 601), .expired(age: 601))
        if case .continued = sealer.open(sealed, userID: "", now: now + 600) {} else { XCTFail("not expired at the limit") }
    }

    func testPayloadOfAnotherFormatVersionOrTruncatedDoesNotDecode() {
        var bytes = sampleState().encoded()
        XCTAssertEqual(ConversationState.decode(bytes[...]), sampleState())
        XCTAssertNil(ConversationState.decode(bytes.dropLast()))
        XCTAssertNil(ConversationState.decode((bytes + [0])[...]))
        bytes[0] = ConversationState.formatVersion &+ 1
        XCTAssertNil(ConversationState.decode(bytes[...]))
    }

    private func isInvalid(_ opened: StateSealer.Opened) -> Bool {
        if case .invalid = opened { return true }
        return false
    }
}
