import XCTest
@testable import ShopImaging

/// PNG (libpng) and JPEG (libjpeg-turbo) decoding: round trips through the encoders, files made by
/// Pillow, and hostile input (truncated, corrupt, wrong format, decompression bombs).
final class DecoderTests: XCTestCase {
    private func decodePNG(_ bytes: [UInt8], limits: ImageLimits = .default) throws -> PixelImage {
        try bytes.withUnsafeBytes { try PNGDecoder.decode($0, limits: limits) }
    }

    private func decodeJPEG(_ bytes: [UInt8], limits: ImageLimits = .default) throws -> PixelImage {
        try bytes.withUnsafeBytes { try JPEGDecoder.decode($0, limits: limits) }
    }

    private func refusal(_ body: () throws -> PixelImage) -> ImageError? {
        do {
            _ = try body()
            return nil
        } catch let error as ImageError {
            return error
        } catch {
            XCTFail("untyped error \(error)")
            return nil
        }
    }

    func testPNGRoundTripsGrayAndRGBExactly() throws {
        for channels in [1, 3] {
            let image = try ImagingFixtures.gradient(width: 13, height: 7, channels: channels)
            XCTAssertEqual(try decodePNG(PNGEncoder.encode(image)), image)
        }
    }

    func testJPEGRoundTripsGrayAndRGBClosely() throws {
        for channels in [1, 3] {
            let image = try ImagingFixtures.gradient(width: 32, height: 24, channels: channels)
            let decoded = try decodeJPEG(JPEGEncoder.encode(image, quality: 95))
            XCTAssertEqual([decoded.width, decoded.height, decoded.channels], [32, 24, channels])
            let worst = zip(decoded.pixels, image.pixels).map { abs(Int($0) - Int($1)) }.max()!
            XCTAssertLessThanOrEqual(worst, 12, "channels \(channels)")
        }
    }

    func testPillowFilesDecodeAsPillowDecodesThem() throws {
        for file in try ImagingFixtures.preprocessing().encoded {
            let name = file.name
            if name == "jpeg_cmyk" {
                guard case .unsupported? = refusal({ try decodeJPEG(file.bytes) }) else {
                    return XCTFail("CMYK JPEG must be refused as unsupported")
                }
                continue
            }
            let image = file.format == "PNG" ? try decodePNG(file.bytes) : try decodeJPEG(file.bytes)
            XCTAssertEqual([image.width, image.height], [file.width, file.height], name)
            guard let expected = file.expectedPixels, let channels = file.channels else { continue }
            XCTAssertEqual(image.channels, channels, name)
            let tolerance = file.format == "JPEG" ? 3 : 0
            let worst = zip(image.pixels, expected).map { abs(Int($0) - Int($1)) }.max() ?? 0
            XCTAssertEqual(image.pixels.count, expected.count, name)
            XCTAssertLessThanOrEqual(worst, tolerance, name)
        }
    }

    func testTruncatedImagesAreCorrupt() throws {
        let image = try ImagingFixtures.gradient(width: 40, height: 30, channels: 3)
        let png = try PNGEncoder.encode(image)
        let jpeg = try JPEGEncoder.encode(image)
        for cut in [8, 30, png.count / 2, png.count - 13] {
            guard case .corrupt(let format, let reason)? = refusal({ try decodePNG(Array(png.prefix(cut))) }) else {
                return XCTFail("PNG cut at \(cut) of \(png.count) was not refused as corrupt")
            }
            XCTAssertEqual(format, "PNG")
            XCTAssertFalse(reason.isEmpty)
        }
        for cut in [2, 20, jpeg.count / 2, jpeg.count - 2] {
            guard case .corrupt(let format, _)? = refusal({ try decodeJPEG(Array(jpeg.prefix(cut))) }) else {
                return XCTFail("JPEG cut at \(cut) of \(jpeg.count) was not refused as corrupt: \(String(describing: refusal({ try decodeJPEG(Array(jpeg.prefix(cut))) })))")
            }
            XCTAssertEqual(format, "JPEG")
        }
    }

    func testGarbageEmptyAndSwappedFormatsAreRefused() throws {
        var generator = SystemRandomNumberGenerator()
        let garbage = (0..<500).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let image = try ImagingFixtures.gradient(width: 9, height: 9, channels: 1)
        XCTAssertNotNil(refusal { try decodePNG(garbage) })
        XCTAssertNotNil(refusal { try decodeJPEG(garbage) })
        XCTAssertEqual(refusal { try decodePNG([]) }, .empty(format: "PNG"))
        XCTAssertEqual(refusal { try decodeJPEG([]) }, .empty(format: "JPEG"))
        XCTAssertNotNil(refusal { try decodePNG(JPEGEncoder.encode(image)) })
        XCTAssertNotNil(refusal { try decodeJPEG(PNGEncoder.encode(image)) })
        // Flipped bits inside the compressed data: the PNG CRC catches them.
        var png = try PNGEncoder.encode(image)
        png[png.count - 20] ^= 0x5A
        guard case .corrupt? = refusal({ try decodePNG(png) }) else { return XCTFail("bit flip accepted") }
    }

    func testDecompressionBombsAreRefusedFromTheHeader() throws {
        let png = try ImagingFixtures.pngClaiming(width: 100_000, height: 100_000)
        XCTAssertLessThan(png.count, 100)
        XCTAssertEqual(refusal { try decodePNG(png) },
                       .tooManyPixels(width: 100_000, height: 100_000, limit: ImageLimits.default.maxPixels))
        let jpeg = try ImagingFixtures.jpegClaiming(width: 65_000, height: 65_000)
        XCTAssertEqual(refusal { try decodeJPEG(jpeg) },
                       .tooManyPixels(width: 65_000, height: 65_000, limit: ImageLimits.default.maxPixels))
        // A real, valid image over a configured limit.
        let image = try ImagingFixtures.gradient(width: 50, height: 40, channels: 3)
        let small = ImageLimits(maxPixels: 1999)
        XCTAssertEqual(refusal { try decodePNG(PNGEncoder.encode(image), limits: small) },
                       .tooManyPixels(width: 50, height: 40, limit: 1999))
        XCTAssertEqual(refusal { try decodeJPEG(JPEGEncoder.encode(image), limits: small) },
                       .tooManyPixels(width: 50, height: 40, limit: 1999))
        XCTAssertEqual(try decodePNG(PNGEncoder.encode(image), limits: ImageLimits(maxPixels: 2000)), image)
    }
}
