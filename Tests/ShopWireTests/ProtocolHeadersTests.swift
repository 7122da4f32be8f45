import XCTest
@testable import ShopWire

final class GRPCTimeoutTests: XCTestCase {
    func testEveryUnit() throws {
        XCTAssertEqual(try GRPCTimeout.parse("2H"), 7_200_000_000_000)
        XCTAssertEqual(try GRPCTimeout.parse("3M"), 180_000_000_000)
        XCTAssertEqual(try GRPCTimeout.parse("4S"), 4_000_000_000)
        XCTAssertEqual(try GRPCTimeout.parse("250m"), 250_000_000)
        XCTAssertEqual(try GRPCTimeout.parse("99999999u"), 99_999_999_000)
        XCTAssertEqual(try GRPCTimeout.parse("0n"), 0)
    }

    func testMalformedValues() {
        for value in ["", "S", "10", "123456789S", "1s", "-1S", "1.5S", " 1S", "1 S", "1SS"] {
            XCTAssertThrowsError(try GRPCTimeout.parse(value), value) { error in
                XCTAssertEqual((error as? GRPCStatus)?.code, .invalidArgument)
            }
        }
    }

    func testFormatPicksFinestUnitThatFitsAndRoundsUp() throws {
        XCTAssertEqual(GRPCTimeout.format(nanoseconds: 5), "5n")
        XCTAssertEqual(GRPCTimeout.format(nanoseconds: 1_000_000_000), "1000000u")
        XCTAssertEqual(GRPCTimeout.format(nanoseconds: 100_000_000_001), "100001m")
        XCTAssertEqual(GRPCTimeout.format(nanoseconds: .max), "5124096H")
        for nanos: UInt64 in [1, 999, 123_456_789, 5_000_000_000, 86_400_000_000_000] {
            let text = GRPCTimeout.format(nanoseconds: nanos)
            XCTAssertLessThanOrEqual(text.count, 9)
            XCTAssertGreaterThanOrEqual(try GRPCTimeout.parse(text), nanos)
        }
    }

    func testDeadlineFromHeader() throws {
        let deadline = try Deadline(grpcTimeout: "10S")
        XCTAssertFalse(deadline.hasPassed)
        XCTAssertTrue(try Deadline(grpcTimeout: "0n").hasPassed)
    }
}

final class PercentEncodingTests: XCTestCase {
    func testEncodesOutsidePrintableAsciiAndPercent() {
        XCTAssertEqual(PercentEncoding.encode("plain text ~!"), "plain text ~!")
        XCTAssertEqual(PercentEncoding.encode("50% off\n"), "50%25 off%0A")
        XCTAssertEqual(PercentEncoding.encode("価"), "%E4%BE%A1")
    }

    func testDecodeRoundTripAndLeniency() {
        for text in ["a%b", "商品 not found\t", "", "%%%"] {
            XCTAssertEqual(PercentEncoding.decode(PercentEncoding.encode(text)), text)
        }
        XCTAssertEqual(PercentEncoding.decode("100%"), "100%")
        XCTAssertEqual(PercentEncoding.decode("%zz%4"), "%zz%4")
        XCTAssertEqual(PercentEncoding.decode("%FF"), "\u{FFFD}")
    }
}

final class NegotiationTests: XCTestCase {
    func testContentType() {
        for ok in ["application/grpc", "application/grpc+proto", "Application/GRPC; charset=utf-8", "application/grpc+proto;x=y"] {
            XCTAssertTrue(GRPCContentType.isSupported(ok), ok)
        }
        for bad in ["application/json", "application/grpc+json", "application/grpcx", "text/plain", ""] {
            XCTAssertFalse(GRPCContentType.isSupported(bad), bad)
        }
    }

    func testEncodingNegotiation() {
        XCTAssertEqual(MessageEncoding(header: "gzip"), .gzip)
        XCTAssertEqual(MessageEncoding(header: " identity "), .identity)
        XCTAssertNil(MessageEncoding(header: "snappy"))
        XCTAssertEqual(MessageEncoding.accepted(by: "deflate, gzip"), [.identity, .gzip])
        XCTAssertEqual(MessageEncoding.forResponse(acceptEncoding: "identity,deflate,gzip", compressionEnabled: true), .gzip)
        XCTAssertEqual(MessageEncoding.forResponse(acceptEncoding: "identity,gzip", compressionEnabled: false), .identity)
        XCTAssertEqual(MessageEncoding.forResponse(acceptEncoding: nil, compressionEnabled: true), .identity)
        XCTAssertEqual(MessageEncoding.forResponse(acceptEncoding: "deflate", compressionEnabled: true), .identity)
    }

    func testGzipRejectsGarbage() {
        XCTAssertThrowsError(try GzipDecompressor().decompress([1, 2, 3, 4, 5], limit: 100)) { error in
            XCTAssertEqual((error as? GRPCStatus)?.code, .internal)
        }
        let valid = try! GzipCompressor().compress(Array("abc".utf8))
        XCTAssertThrowsError(try GzipDecompressor().decompress(Array(valid.dropLast(4)), limit: 100))
        XCTAssertEqual(try GzipDecompressor().decompress(valid, limit: 100), Array("abc".utf8))
    }
}
