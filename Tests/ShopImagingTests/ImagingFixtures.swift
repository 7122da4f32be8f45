import Foundation
@testable import ShopImaging

/// Fixtures written by tools/train/image_search/fixtures.py (Tests/Fixtures/image_search).
enum ImagingFixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/image_search")

    struct RawCase: Decodable {
        let name: String
        let width: Int
        let height: Int
        let channels: Int
        let pixels: String
        let model_input: [Float]

        func image() throws -> PixelImage {
            try PixelImage(width: width, height: height, channels: channels, pixels: [UInt8](Data(base64Encoded: pixels)!))
        }
    }

    struct EncodedCase: Decodable {
        let name: String
        let format: String
        let data: String
        let width: Int
        let height: Int
        let channels: Int?
        let pixels: String?

        var bytes: [UInt8] { [UInt8](Data(base64Encoded: data)!) }
        var expectedPixels: [UInt8]? { pixels.map { [UInt8](Data(base64Encoded: $0)!) } }
    }

    struct Preprocessing: Decodable {
        let raw: [RawCase]
        let encoded: [EncodedCase]
    }

    static func preprocessing() throws -> Preprocessing {
        let data = try Data(contentsOf: directory.appendingPathComponent("preprocessing.json"))
        return try JSONDecoder().decode(Preprocessing.self, from: data)
    }

    /// A smooth RGB test pattern (JPEG-friendly).
    static func gradient(width: Int, height: Int, channels: Int) throws -> PixelImage {
        var pixels: [UInt8] = []
        for y in 0..<height {
            for x in 0..<width {
                let v = (x * 255 / max(1, width - 1) + y * 255 / max(1, height - 1)) / 2
                pixels.append(UInt8(v))
                if channels == 3 {
                    pixels.append(UInt8(255 - v))
                    pixels.append(UInt8(v / 2 + 40))
                }
            }
        }
        return try PixelImage(width: width, height: height, channels: channels, pixels: pixels)
    }

    /// CRC-32 (IEEE), to re-seal a PNG chunk after a test edits it.
    static func crc32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = (crc >> 1) ^ (0xEDB8_8320 & (0 &- (crc & 1))) }
        }
        return ~crc
    }

    /// A real PNG whose IHDR claims `width`×`height` (CRC re-computed): a decompression bomb header.
    static func pngClaiming(width: UInt32, height: UInt32) throws -> [UInt8] {
        var png = try PNGEncoder.encode(PixelImage(width: 1, height: 1, channels: 1, pixels: [0]))
        // signature (8) | length (4) | "IHDR" (4) | width (4) | height (4) | ... (5) | CRC (4)
        func put(_ value: UInt32, at offset: Int) {
            for i in 0..<4 { png[offset + i] = UInt8((value >> (24 - 8 * UInt32(i))) & 0xFF) }
        }
        put(width, at: 16)
        put(height, at: 20)
        put(crc32(png[12..<29]), at: 29)
        return png
    }

    /// A real JPEG whose frame header (SOF) claims `width`×`height`.
    static func jpegClaiming(width: UInt16, height: UInt16) throws -> [UInt8] {
        var jpeg = try JPEGEncoder.encode(gradient(width: 8, height: 8, channels: 1))
        var i = 2
        while i + 9 < jpeg.count {
            precondition(jpeg[i] == 0xFF, "JPEG marker expected")
            let marker = jpeg[i + 1]
            let length = Int(jpeg[i + 2]) << 8 | Int(jpeg[i + 3])
            if (0xC0...0xC2).contains(marker) {
                jpeg[i + 5] = UInt8(height >> 8); jpeg[i + 6] = UInt8(height & 0xFF)
                jpeg[i + 7] = UInt8(width >> 8); jpeg[i + 8] = UInt8(width & 0xFF)
                return jpeg
            }
            i += 2 + length
        }
        preconditionFailure("no SOF marker in the encoded JPEG")
    }
}
