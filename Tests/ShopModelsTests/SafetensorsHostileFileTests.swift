import Foundation
import XCTest
@testable import ShopModels

/// Corrupted, truncated and hostile files: each is refused with a typed error naming the file.
final class SafetensorsHostileFileTests: XCTestCase {
    var directory: TemporaryDirectory!
    var path: String { directory.file("model.safetensors") }

    override func setUpWithError() throws { directory = try TemporaryDirectory() }
    override func tearDown() { directory.cleanUp() }

    /// Opens `path` and returns the problem it was refused for (fails the test if it was accepted).
    private func refusal(file: StaticString = #filePath, line: UInt = #line) -> ModelLoadError.Problem? {
        do {
            _ = try SafetensorsFile(path: path)
            XCTFail("file was accepted", file: file, line: line)
            return nil
        } catch let error as ModelLoadError {
            XCTAssertEqual(error.file, path, file: file, line: line)
            XCTAssertTrue("\(error)".hasPrefix(path + ": "), "\(error)", file: file, line: line)
            return error.problem
        } catch {
            XCTFail("untyped error \(error)", file: file, line: line)
            return nil
        }
    }

    private func raw(_ header: String, data: Int = 0, declaredLength: UInt64? = nil) {
        writeRawSafetensors(to: path, header: header, data: [UInt8](repeating: 0, count: data), declaredLength: declaredLength)
    }

    func testEmptyFile() {
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data()))
        XCTAssertEqual(refusal(), .tooShortForHeader(fileSize: 0))
    }

    func testShorterThanLengthPrefix() {
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data([1, 2, 3])))
        XCTAssertEqual(refusal(), .tooShortForHeader(fileSize: 3))
    }

    func testHeaderLengthPastEndOfFile() {
        raw("{}", declaredLength: 1000)
        XCTAssertEqual(refusal(), .headerLengthPastEnd(headerLength: 1000, fileSize: 10))
    }

    func testHugeHeaderLengths() {
        raw("{}", declaredLength: UInt64.max)
        XCTAssertEqual(refusal(), .headerTooLarge(headerLength: UInt64.max, limit: SafetensorsHeader.defaultHeaderLimit))
        raw("{}", declaredLength: 200 << 20)
        XCTAssertEqual(refusal(), .headerTooLarge(headerLength: 200 << 20, limit: SafetensorsHeader.defaultHeaderLimit))
    }

    func testTruncatedFiles() throws {
        var writer = SafetensorsWriter()
        writer.add("w1", [Float](repeating: 1, count: 1024), shape: [32, 32])
        try writer.write(to: path)
        let whole = try Data(contentsOf: URL(fileURLWithPath: path))
        let headerLength = Int(whole[0]) | Int(whole[1]) << 8

        // Cut inside the data section.
        try whole.prefix(whole.count - 100).write(to: URL(fileURLWithPath: path))
        XCTAssertEqual(refusal(), .invalidOffsets(tensor: "w1", begin: 0, end: 4096, dataSectionSize: 3996))
        let message = "\(ModelLoadError(file: path, refusal()!))"
        XCTAssertEqual(message, "\(path): tensor 'w1' data_offsets [0, 4096) exceed data section of 3996 bytes")

        // Cut inside the header.
        try whole.prefix(8 + headerLength / 2).write(to: URL(fileURLWithPath: path))
        XCTAssertEqual(refusal(), .headerLengthPastEnd(headerLength: UInt64(headerLength), fileSize: 8 + headerLength / 2))
    }

    func testMalformedJSON() {
        raw("{\"w\": {\"dtype\": \"F32\", ")
        XCTAssertEqual(refusal(), .malformedHeader("not valid JSON"))
        writeRawSafetensors(to: path, header: "", data: [0x7B, 0xFF, 0xFE, 0x7D])   // invalid UTF-8 "{\xff\xfe}"
        XCTAssertEqual(refusal(), .malformedHeader("not valid JSON"))
    }

    func testNonObjectJSON() {
        for header in ["[1, 2, 3]", "42", "\"text\"", "null"] {
            raw(header)
            XCTAssertEqual(refusal(), .malformedHeader("top level is not a JSON object"), header)
        }
    }

    func testWrongFieldTypesAndMissingFields() {
        raw(#"{"w": {"dtype": "F32", "shape": [2.5], "data_offsets": [0, 8]}}"#, data: 8)
        guard case .malformedHeader(let reason)? = refusal() else { return XCTFail() }
        XCTAssertTrue(reason.hasPrefix("'w'.'shape'.[0]"), reason)

        raw(#"{"w": {"shape": [2], "data_offsets": [0, 8]}}"#, data: 8)
        XCTAssertEqual(refusal(), .malformedHeader("'w': missing field 'dtype'"))

        raw(#"{"w": [1, 2]}"#)
        guard case .malformedHeader(let reason2)? = refusal() else { return XCTFail() }
        XCTAssertTrue(reason2.hasPrefix("'w':"), reason2)

        raw(#"{"__metadata__": {"format": 3}}"#)
        guard case .malformedHeader(let reason3)? = refusal() else { return XCTFail() }
        XCTAssertTrue(reason3.hasPrefix("'__metadata__'.'format'"), reason3)
    }

    func testOffsetsPastEndAndReversed() {
        raw(#"{"w": {"dtype": "I8", "shape": [16], "data_offsets": [8, 24]}}"#, data: 16)
        XCTAssertEqual(refusal(), .invalidOffsets(tensor: "w", begin: 8, end: 24, dataSectionSize: 16))
        raw(#"{"w": {"dtype": "I8", "shape": [0], "data_offsets": [8, 4]}}"#, data: 16)
        XCTAssertEqual(refusal(), .invalidOffsets(tensor: "w", begin: 8, end: 4, dataSectionSize: 16))
        raw(#"{"w": {"dtype": "I8", "shape": [4], "data_offsets": [-4, 0]}}"#, data: 16)
        XCTAssertEqual(refusal(), .invalidOffsets(tensor: "w", begin: -4, end: 0, dataSectionSize: 16))
        raw(#"{"w": {"dtype": "I8", "shape": [4], "data_offsets": [0]}}"#, data: 16)
        XCTAssertEqual(refusal(), .offsetsArity(tensor: "w", count: 1))
        raw(#"{"w": {"dtype": "I8", "shape": [4], "data_offsets": [0, 99999999999999999999]}}"#, data: 16)
        guard case .malformedHeader? = refusal() else { return XCTFail("offset beyond Int64 is malformed") }
    }

    func testOverlappingTensors() {
        raw(#"{"a": {"dtype": "I8", "shape": [8], "data_offsets": [0, 8]}, "b": {"dtype": "I8", "shape": [8], "data_offsets": [4, 12]}}"#, data: 16)
        XCTAssertEqual(refusal(), .overlappingTensors("a", "b"))
        // Zero-sized tensors at the same offset occupy nothing and are fine.
        raw(#"{"a": {"dtype": "I8", "shape": [0], "data_offsets": [4, 4]}, "b": {"dtype": "I8", "shape": [8], "data_offsets": [0, 8]}}"#, data: 8)
        XCTAssertNoThrow(try SafetensorsFile(path: path))
    }

    func testSizeDifferentFromShape() {
        raw(#"{"w": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 8]}}"#, data: 16)
        XCTAssertEqual(refusal(), .sizeMismatch(tensor: "w", dtype: .f32, shape: [2, 2], expectedBytes: 16, actualBytes: 8))
    }

    func testNegativeAndAbsurdShapes() {
        raw(#"{"w": {"dtype": "F32", "shape": [-1, 4], "data_offsets": [0, 16]}}"#, data: 16)
        XCTAssertEqual(refusal(), .invalidShape(tensor: "w", shape: [-1, 4], reason: "negative dimension -1"))
        raw(#"{"w": {"dtype": "I8", "shape": [4611686018427387904, 4], "data_offsets": [0, 16]}}"#, data: 16)
        XCTAssertEqual(refusal(), .invalidShape(tensor: "w", shape: [1 << 62, 4], reason: "element count overflows"))
        raw(#"{"w": {"dtype": "F64", "shape": [2305843009213693952], "data_offsets": [0, 16]}}"#, data: 16)
        XCTAssertEqual(refusal(), .invalidShape(tensor: "w", shape: [1 << 61], reason: "byte count overflows"))
        // Overflow to exactly zero must not pass: 2^32 × 2^32 wraps to 0 without the check.
        raw(#"{"w": {"dtype": "I8", "shape": [4294967296, 4294967296], "data_offsets": [0, 0]}}"#)
        XCTAssertEqual(refusal(), .invalidShape(tensor: "w", shape: [1 << 32, 1 << 32], reason: "element count overflows"))
    }

    func testUnknownDType() {
        for dtype in ["F8_E4M3", "Q4_0", "f32", ""] {
            raw(#"{"w": {"dtype": "\#(dtype)", "shape": [4], "data_offsets": [0, 4]}}"#, data: 4)
            XCTAssertEqual(refusal(), .unsupportedDType(tensor: "w", dtype: dtype))
        }
    }

    func testMisalignedFloatTensorIsRefused() {
        // Pad the header so the data section starts at file offset ≡ 1 (mod 8): the F32 is unaligned.
        let header = #"{"w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}"#
        let padding = ((1 - header.utf8.count) % 8 + 8) % 8
        raw(header + String(repeating: " ", count: padding), data: 4)
        guard case .misaligned(let tensor, let dtype, let offset)? = refusal() else { return XCTFail() }
        XCTAssertEqual(tensor, "w"); XCTAssertEqual(dtype, .f32); XCTAssertEqual(offset % 4, 1)
    }

    /// Random corruption of a valid file, bounded: every mutation is either refused with a typed
    /// error or accepted with all views inside the mapping; the process never crashes.
    func testRandomCorruptionNeverCrashes() throws {
        var writer = SafetensorsWriter()
        writer.add("a", [Int8](repeating: 3, count: 37), shape: [37])
        writer.add("b", [Float](repeating: 1, count: 12), shape: [3, 4])
        writer.add("c", [Int64](repeating: 9, count: 2), shape: [2])
        try writer.write(to: path)
        let original = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        var random = SplitMix64(seed: 0x5EED)
        var refused = 0
        for _ in 0..<1500 {
            var bytes = original
            switch random.next() % 3 {
            case 0:
                for _ in 0..<(1 + random.next() % 4) {
                    bytes[Int(random.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: random.next())
                }
            case 1:
                bytes = Array(bytes.prefix(Int(random.next() % UInt64(bytes.count))))
            default:
                let position = 8 + Int(random.next() % UInt64(bytes.count - 8))
                bytes[position] = Array("0123456789-,[]{}\"".utf8)[Int(random.next() % 17)]
            }
            XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
            do {
                let file = try SafetensorsFile(path: path)
                for name in file.tensorNames {
                    let raw = try file.rawBytes(name)
                    if raw.count > 0 {
                        XCTAssertGreaterThanOrEqual(raw.baseAddress!, file.mapping.bytes.baseAddress!)
                        XCTAssertLessThanOrEqual(raw.baseAddress! + raw.count, file.mapping.bytes.baseAddress! + file.mapping.count)
                    }
                }
            } catch is ModelLoadError {
                refused += 1
            }
        }
        XCTAssertGreaterThan(refused, 0)
    }
}
