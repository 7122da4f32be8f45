import XCTest
@testable import ShopImaging

/// Raw pixel validation: dimensions, channels, pixel limit and byte counts.
final class PixelImageTests: XCTestCase {
    private func refusal(width: Int, height: Int, channels: Int, count: Int,
                         limits: ImageLimits = .default) -> ImageError? {
        do {
            try PixelImage.validate(width: width, height: height, channels: channels, byteCount: count, limits: limits)
            return nil
        } catch {
            return error as? ImageError
        }
    }

    func testValidRawImagesAreAccepted() throws {
        XCTAssertNil(refusal(width: 3, height: 2, channels: 1, count: 6))
        XCTAssertNil(refusal(width: 3, height: 2, channels: 3, count: 18))
        let bytes: [UInt8] = Array(0..<18)
        let image = try bytes.withUnsafeBytes { try PixelImage(width: 3, height: 2, channels: 3, bytes: $0) }
        XCTAssertEqual(image.pixels, bytes)
    }

    func testHostileRawImagesAreRefusedWithTheNumbers() {
        XCTAssertEqual(refusal(width: 0, height: 5, channels: 1, count: 0), .invalidDimensions(width: 0, height: 5))
        XCTAssertEqual(refusal(width: 5, height: -1, channels: 1, count: 0), .invalidDimensions(width: 5, height: -1))
        XCTAssertEqual(refusal(width: 3, height: 2, channels: 2, count: 12), .unsupportedChannels(2))
        XCTAssertEqual(refusal(width: 3, height: 2, channels: 3, count: 17), .wrongLength(actual: 17, expected: 18))
        XCTAssertEqual(refusal(width: 1 << 40, height: 1 << 40, channels: 1, count: 1),
                       .tooManyPixels(width: 1 << 40, height: 1 << 40, limit: ImageLimits.default.maxPixels))
        XCTAssertEqual(refusal(width: 5000, height: 5000, channels: 1, count: 25_000_000),
                       .tooManyPixels(width: 5000, height: 5000, limit: ImageLimits.default.maxPixels))
        let message = ImageError.wrongLength(actual: 17, expected: 18).description
        XCTAssertTrue(message.contains("17") && message.contains("18"), message)
    }
}
