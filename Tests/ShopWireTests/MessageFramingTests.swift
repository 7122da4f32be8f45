import XCTest
@testable import ShopWire

final class MessageFramingTests: XCTestCase {
    /// Feeds `bytes` to a reader in chunks of the given sizes (cycled) and collects messages.
    private func readAll(_ bytes: [UInt8], chunkSizes: [Int], maxSize: Int = 1 << 20,
                         encoding: MessageEncoding = .identity) throws -> [[UInt8]] {
        var reader = GRPCMessageReader(maxMessageSize: maxSize, encoding: encoding)
        var messages: [[UInt8]] = []
        var offset = 0
        var index = 0
        while offset < bytes.count {
            let size = min(chunkSizes[index % chunkSizes.count], bytes.count - offset)
            index += 1
            try bytes[offset..<offset + size].withUnsafeBytes { chunk in
                try reader.consume(chunk) { messages.append(Array($0)) }
            }
            offset += size
        }
        XCTAssertFalse(reader.hasPartialMessage)
        return messages
    }

    private func sampleMessages() -> [[UInt8]] {
        [[], [1], Array(0..<200).map { UInt8($0) }, [UInt8](repeating: 7, count: 70_000), [9, 9]]
    }

    func testFramesRoundTripWhateverTheChunking() throws {
        let messages = sampleMessages()
        var wire: [UInt8] = []
        for message in messages { wire += try GRPCFrame.framed(message) }
        for sizes in [[wire.count], [1], [2, 3], [5], [4, 6, 16384], [7, 1, 1000]] {
            XCTAssertEqual(try readAll(wire, chunkSizes: sizes), messages, "chunk sizes \(sizes)")
        }
    }

    func testPrefixLayout() throws {
        XCTAssertEqual(try GRPCFrame.framed([0xAA, 0xBB]), [0, 0, 0, 0, 2, 0xAA, 0xBB])
    }

    func testOversizedDeclaredLengthIsResourceExhaustedBeforeBuffering() {
        let header: [UInt8] = [0, 0x7F, 0xFF, 0xFF, 0xFF]
        XCTAssertThrowsError(try readAll(header, chunkSizes: [5], maxSize: 1024)) { error in
            XCTAssertEqual((error as? GRPCStatus)?.code, .resourceExhausted)
        }
        // Split header: the limit is still enforced once the header is complete.
        XCTAssertThrowsError(try readAll(header, chunkSizes: [2], maxSize: 1024)) { error in
            XCTAssertEqual((error as? GRPCStatus)?.code, .resourceExhausted)
        }
    }

    func testMessageExactlyAtLimitIsAccepted() throws {
        let message = [UInt8](repeating: 1, count: 1024)
        XCTAssertEqual(try readAll(try GRPCFrame.framed(message), chunkSizes: [100], maxSize: 1024), [message])
    }

    func testPartialMessageIsReported() throws {
        var reader = GRPCMessageReader(maxMessageSize: 100)
        try [UInt8]([0, 0, 0, 0, 10, 1, 2]).withUnsafeBytes { try reader.consume($0) { _ in XCTFail() } }
        XCTAssertTrue(reader.hasPartialMessage)
    }

    func testGzipRoundTripThroughFraming() throws {
        let compressor = GzipCompressor()
        let messages = [Array("hello hello hello hello hello hello".utf8), [UInt8](repeating: 42, count: 100_000), [3]]
        var wire: [UInt8] = []
        for message in messages {
            try message.withUnsafeBytes { try GRPCFrame.append($0, to: &wire, compressor: compressor) }
        }
        XCTAssertEqual(wire[0], 1, "compressible message is flagged as compressed")
        XCTAssertEqual(try readAll(wire, chunkSizes: [13], encoding: .gzip), messages)
    }

    func testMessagesTooShortToShrinkAreSentUncompressed() throws {
        let tiny: [UInt8] = Array(repeating: 7, count: 20)
        let wire = try GRPCFrame.framed(tiny, compressor: GzipCompressor())
        XCTAssertEqual(wire, [0, 0, 0, 0, 20] + tiny)
    }

    func testCompressedFlagWithoutEncodingIsInternal() throws {
        let wire = try GRPCFrame.framed(try GzipCompressor().compress(Array(repeating: 1, count: 100)))
        var flagged = wire
        flagged[0] = 1
        XCTAssertThrowsError(try readAll(flagged, chunkSizes: [1000])) { error in
            XCTAssertEqual((error as? GRPCStatus)?.code, .internal)
        }
    }

    func testInvalidFlagIsInternal() {
        XCTAssertThrowsError(try readAll([2, 0, 0, 0, 0], chunkSizes: [5])) { error in
            XCTAssertEqual((error as? GRPCStatus)?.code, .internal)
        }
    }

    func testZipBombIsResourceExhausted() throws {
        let bomb = try GzipCompressor().compress([UInt8](repeating: 0, count: 10_000_000))
        XCTAssertLessThan(bomb.count, 20_000)
        var wire = try GRPCFrame.framed(bomb)
        wire[0] = 1
        XCTAssertThrowsError(try readAll(wire, chunkSizes: [4096], maxSize: 1 << 20, encoding: .gzip)) { error in
            XCTAssertEqual((error as? GRPCStatus)?.code, .resourceExhausted)
        }
    }
}
