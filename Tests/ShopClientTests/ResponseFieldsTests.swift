import XCTest
@testable import ShopClient

/// The byte-level reading of response header fields gives what the String-based reading
/// gave: first value wins, `:status` as `Int(value) ?? 0`, content-type by the gRPC rules.
final class ResponseFieldsTests: XCTestCase {
    private func fields(_ pairs: [(String, String)]) -> ResponseFields {
        var fields = ResponseFields()
        for (name, value) in pairs {
            let nameBytes = Array(name.utf8), valueBytes = Array(value.utf8)
            nameBytes.withUnsafeBufferPointer { name in
                valueBytes.withUnsafeBufferPointer { value in fields.add(name: name, value: value) }
            }
        }
        return fields
    }

    func testStatusAndGRPCFields() {
        let read = fields([(":status", "200"), ("content-type", "application/grpc"), ("grpc-encoding", "gzip"),
                           ("grpc-status", "5"), ("grpc-message", "not%20found"), ("grpc-status", "0"), ("x-other", "1")])
        XCTAssertEqual(read.httpStatus, 200)
        XCTAssertTrue(read.isGRPCContentType)
        XCTAssertEqual(read.grpcEncoding, "gzip")
        XCTAssertEqual(read.grpcStatus, "5", "the first value counts")
        XCTAssertEqual(read.grpcMessage, "not%20found")
    }

    func testOddStatusValuesParseAsIntDoes() {
        for (text, expected) in [("503", 503), ("abc", 0), ("", 0), ("+200", 200), ("0000000200", 200), ("-1", -1)] {
            XCTAssertEqual(fields([(":status", text)]).httpStatus, expected, text)
        }
        XCTAssertNil(fields([("grpc-status", "0")]).httpStatus)
    }

    func testContentTypeFollowsTheGRPCRules() {
        for (value, supported) in [("application/grpc", true), ("application/grpc+proto", true),
                                   ("application/grpc; charset=utf-8", true), ("Application/GRPC", true),
                                   ("application/grpc+json", false), ("text/html", false)] {
            let read = fields([("content-type", value)])
            XCTAssertEqual(read.isGRPCContentType, supported, value)
            XCTAssertEqual(read.contentTypeText, supported ? "application/grpc" : value, "error messages quote it")
        }
        XCTAssertEqual(fields([]).contentType, .absent)
        XCTAssertEqual(fields([]).contentTypeText, "")
    }
}
