import XCTest
@testable import ShopImaging

/// The model-input preprocessing matches tools/train/image_search/preprocess.py on fixed inputs
/// and behaves as documented (identity on Fashion-MNIST, inversion of light backgrounds, letterbox).
final class ModelInputImageTests: XCTestCase {
    func testMatchesThePythonDefinitionOnFixedInputs() throws {
        for fixture in try ImagingFixtures.preprocessing().raw {
            let input = ModelInputImage.floats(try fixture.image())
            XCTAssertEqual(input.count, 784)
            let worst = zip(input, fixture.model_input).map { abs($0 - $1) }.max()!
            XCTAssertLessThan(worst, 1e-5, fixture.name)
        }
    }

    func testFashionImagePassesThroughUnchanged() throws {
        let fixture = try ImagingFixtures.preprocessing().raw.first { $0.name == "fashion_test_0" }!
        let image = try fixture.image()
        let input = ModelInputImage.floats(image)
        for i in 0..<784 { XCTAssertEqual(input[i], Float(image.pixels[i]) / 255, accuracy: 1e-6) }
    }

    func testLightBackgroundIsInvertedAndUpscaledBlocksAverageBack() throws {
        // A dark square on white at 3× scale, then the same inverted at 1×: identical inputs.
        var small = [UInt8](repeating: 255, count: 28 * 28)
        for y in 8..<20 { for x in 10..<18 { small[y * 28 + x] = 30 } }
        var big = [UInt8](repeating: 0, count: 84 * 84)
        for y in 0..<84 { for x in 0..<84 { big[y * 84 + x] = small[(y / 3) * 28 + x / 3] } }
        let a = ModelInputImage.floats(try PixelImage(width: 84, height: 84, channels: 1, pixels: big))
        let b = ModelInputImage.floats(try PixelImage(width: 28, height: 28, channels: 1, pixels: small))
        XCTAssertEqual(a[0], 0, accuracy: 1e-6)                       // white background → 0
        XCTAssertEqual(a[10 * 28 + 12], Float(225) / 255, accuracy: 1e-6)
        for i in 0..<784 { XCTAssertEqual(a[i], b[i], accuracy: 1e-5) }
    }

    func testWideImageIsLetterboxed() throws {
        // 56×28 all-150 gray on... a uniform image has a "background" mean of 150 ≥ 128 → inverted to 105.
        let image = try PixelImage(width: 56, height: 28, channels: 1, pixels: [UInt8](repeating: 150, count: 56 * 28))
        let input = ModelInputImage.floats(image)
        XCTAssertEqual(input[0], 0, accuracy: 1e-6)                   // top padding band
        XCTAssertEqual(input[27 * 28 + 5], 0, accuracy: 1e-6)         // bottom padding band
        XCTAssertEqual(input[14 * 28 + 14], Float(105) / 255, accuracy: 1e-5)
    }

    func testRGBUsesBT601Luma() throws {
        let image = try PixelImage(width: 1, height: 1, channels: 3, pixels: [10, 100, 50])
        // (299·10 + 587·100 + 114·50 + 500) / 1000 = 67; a 1×1 image is its own ring: dark, kept.
        XCTAssertEqual(ModelInputImage.floats(image)[0], Float(67) / 255, accuracy: 1e-6)
    }
}
