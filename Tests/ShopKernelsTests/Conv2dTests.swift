import ShopKernels
import XCTest

/// NHWC convolution against a direct convolution over the same quantized image.
final class Conv2dTests: XCTestCase {
    func testMatchesDirectConvolution() {
        var rng = SplitMix64(seed: 31)
        let shapes: [shop_conv2d_shape] = [
            .init(batch: 1, in_h: 5, in_w: 5, in_c: 1, out_c: 1, kernel_h: 3, kernel_w: 3, stride_h: 1, stride_w: 1,
                  pad_h: 0, pad_w: 0),
            .init(batch: 2, in_h: 8, in_w: 7, in_c: 3, out_c: 17, kernel_h: 3, kernel_w: 3, stride_h: 1, stride_w: 1,
                  pad_h: 1, pad_w: 1),
            .init(batch: 3, in_h: 28, in_w: 28, in_c: 1, out_c: 16, kernel_h: 5, kernel_w: 5, stride_h: 2,
                  stride_w: 2, pad_h: 2, pad_w: 2),
            .init(batch: 1, in_h: 20, in_w: 20, in_c: 8, out_c: 33, kernel_h: 3, kernel_w: 2, stride_h: 2,
                  stride_w: 3, pad_h: 1, pad_w: 0),
        ]
        for var s in shapes {
            let oh = shop_conv2d_out_h(&s), ow = shop_conv2d_out_w(&s)
            let k = s.kernel_h * s.kernel_w * s.in_c, image = s.in_h * s.in_w * s.in_c
            let input = rng.floats(s.batch * image, range: -2...2)
            let w = rng.int8s(s.out_c * k)
            let ws = rng.floats(s.out_c, range: 0...0.05), bias = rng.floats(s.out_c)
            // Reference: quantize each image with the library's rule, convolve directly in int32.
            var q = [Int8](repeating: 0, count: input.count), scales = [Float](repeating: 0, count: s.batch)
            XCTAssertEqual(shop_quantize_rows(s.batch, image, input, image, &q, image, &scales, nil), SHOP_OK)
            var ref = [Float](repeating: 0, count: s.batch * oh * ow * s.out_c)
            for b in 0..<s.batch {
                for oy in 0..<oh {
                    for ox in 0..<ow {
                        for oc in 0..<s.out_c {
                            var acc: Int32 = 0
                            for ky in 0..<s.kernel_h {
                                for kx in 0..<s.kernel_w {
                                    let iy = oy * s.stride_h + ky - s.pad_h, ix = ox * s.stride_w + kx - s.pad_w
                                    guard iy >= 0, iy < s.in_h, ix >= 0, ix < s.in_w else { continue }
                                    for c in 0..<s.in_c {
                                        let xv = q[((b * s.in_h + iy) * s.in_w + ix) * s.in_c + c]
                                        let wv = w[oc * k + (ky * s.kernel_w + kx) * s.in_c + c]
                                        acc += Int32(xv) * Int32(wv)
                                    }
                                }
                            }
                            let y = Float(acc) * (scales[b] * ws[oc]) + bias[oc]
                            ref[((b * oh + oy) * ow + ox) * s.out_c + oc] = max(y, 0)
                        }
                    }
                }
            }
            for v in supportedVariants {
                withVariant(v) {
                    let packed = PackedWeights(variant: v, n: s.out_c, k: k, weights: w)
                    let wsSize = shop_conv2d_workspace_size(&s)
                    XCTAssertGreaterThan(wsSize, 0)
                    var workspace = [UInt8](repeating: 0, count: wsSize)
                    var out = [Float](repeating: .nan, count: ref.count)
                    XCTAssertEqual(shop_conv2d_nhwc_f32(&s, input, packed.pointer, ws, bias, SHOP_ACT_RELU, &workspace,
                                                        wsSize, &out), SHOP_OK)
                    XCTAssertEqual(bits(out), bits(ref), "\(variantName(v)) \(s)")
                    XCTAssertEqual(shop_conv2d_nhwc_f32(&s, input, packed.pointer, ws, bias, SHOP_ACT_RELU, &workspace,
                                                        wsSize - 1, &out), SHOP_ESIZE)
                }
            }
        }
    }

    func testInvalidShapesAreRefused() {
        var s = shop_conv2d_shape(batch: 1, in_h: 2, in_w: 2, in_c: 1, out_c: 1, kernel_h: 3, kernel_w: 3,
                                  stride_h: 1, stride_w: 1, pad_h: 0, pad_w: 0)
        XCTAssertEqual(shop_conv2d_out_h(&s), 0)
        XCTAssertEqual(shop_conv2d_workspace_size(&s), 0)
        s.stride_h = 0
        s.pad_h = 1
        s.pad_w = 1
        XCTAssertEqual(shop_conv2d_workspace_size(&s), 0)
    }
}
