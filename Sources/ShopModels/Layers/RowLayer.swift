/// A layer that maps each row of a batch `[rows, inputFeatures]` to a row `[rows, outputFeatures]`
/// independently (``QuantizedLinear``, ``MLP``): a row gives the same numbers alone as in any batch.
public protocol RowLayer: AnyObject, Sendable {
    /// Features of each input row.
    var inputFeatures: Int { get }
    /// Features of each output row.
    var outputFeatures: Int { get }
    /// Scratch bytes `forward` needs for `rows` rows.
    func scratchBytes(rows: Int) -> Int
    /// Runs `rows` rows; row strides in floats (`inputStride >= inputFeatures`, `outputStride >=
    /// outputFeatures`), e.g. to read or write a column slice of a wider buffer. Gives back all
    /// scratch it takes before returning.
    func forward(_ input: UnsafePointer<Float>, rows: Int, inputStride: Int, output: UnsafeMutablePointer<Float>,
                 outputStride: Int, scratch: inout LayerScratch)
}

extension RowLayer {
    /// Runs `rows` dense rows: input `[rows, inputFeatures]`, output `[rows, outputFeatures]`.
    @inline(__always)
    public func forward(_ input: UnsafePointer<Float>, rows: Int, output: UnsafeMutablePointer<Float>,
                        scratch: inout LayerScratch) {
        forward(input, rows: rows, inputStride: inputFeatures, output: output, outputStride: outputFeatures,
                scratch: &scratch)
    }
}
