/// The int8 GEMM the benchmark's MLP runs on, and how to name it in the output.
func selectGemm() -> (name: String, function: GemmS8) {
    ("STAND-IN plain-Swift int8 GEMM (ShopKernels GEMM not merged yet)", standInGemmS8)
}
