// swift-tools-version:6.1
// ShopServe: a model-serving server for e-commerce (gRPC over nghttp2, protobuf-c, OpenSSL,
// INT8 memory-mapped models, batched inference). See README.md and ../shared/DESIGN.md.
import PackageDescription

let package = Package(
    name: "ShopServe",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "shopserve", targets: ["shopserve"]),
        .executable(name: "shopctl", targets: ["shopctl"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-atomics", from: "1.2.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.1.0"),
    ],
    targets: [
        // System libraries and C shims.
        .systemLibrary(name: "CNGHTTP2", pkgConfig: "libnghttp2", providers: [.apt(["libnghttp2-dev"])]),
        .systemLibrary(name: "CProtobufC", pkgConfig: "libprotobuf-c", providers: [.apt(["libprotobuf-c-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng16", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CTurboJPEG", pkgConfig: "libturbojpeg", providers: [.apt(["libturbojpeg0-dev"])]),
        .target(name: "CShopSys"),
        // libmicrohttpd's variadic setup calls, for the metrics endpoint.
        .target(name: "CMetricsHTTP", linkerSettings: [.linkedLibrary("microhttpd")]),

        // Generated protobuf-c code + descriptor set (tools/gen-protos.sh; never edited by hand).
        .target(name: "ShopProtoC", dependencies: ["CProtobufC"]),

        // INT8 kernels with runtime CPU dispatch.
        .target(name: "ShopKernels", cSettings: [.unsafeFlags(["-O3"])]),

        // gRPC protocol: framing, status, metadata, deadlines, compression, message codec, call API.
        .target(name: "ShopWire", dependencies: [
            "CProtobufC", "CZlib",
            .product(name: "Logging", package: "swift-log"),
        ]),
        // HTTP/2 server transport: reactors, connections, TLS, limits, shutdown.
        .target(name: "ShopHTTP2", dependencies: [
            "ShopWire", "CNGHTTP2", "COpenSSL", "CShopSys",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Atomics", package: "swift-atomics"),
        ]),
        // gRPC client over nghttp2 (used by shopctl and the integration tests).
        .target(name: "ShopClient", dependencies: [
            "ShopWire", "ShopProtoC", "CNGHTTP2", "COpenSSL", "CShopSys", "CProtobufC",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "HeapModule", package: "swift-collections"),
        ], swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"])]),  // per-call hot path (shopctl bench)
        // Model repository (safetensors mmap, versions, reload), layers, vector index, models.
        .target(name: "ShopModels", dependencies: [
            "ShopKernels", "ShopScheduler", "COpenSSL",
            .product(name: "Logging", package: "swift-log"),
        ]),
        // Dynamic batching, deadlines, back-pressure.
        .target(name: "ShopScheduler", dependencies: [
            "CShopSys",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Atomics", package: "swift-atomics"),
            .product(name: "DequeModule", package: "swift-collections"),
            .product(name: "HeapModule", package: "swift-collections"),
        ], swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"])]),  // per-request hot path (no dynamic access checks)
        // Prometheus metrics: the exposition of the scheduler's metrics and the HTTP/1.1 endpoint.
        .target(name: "ShopMetrics", dependencies: ["ShopScheduler", "ShopHTTP2", "ShopWire", "CMetricsHTTP"]),
        // RPC services: the five shop services, health, reflection.
        .target(name: "ShopImaging", dependencies: ["CPNG", "CTurboJPEG"]),
        .target(name: "ShopServices", dependencies: [
            "ShopWire", "ShopProtoC", "ShopModels", "ShopScheduler", "ShopImaging", "CProtobufC",
            .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(name: "shopserve", dependencies: [
            "ShopServices", "ShopHTTP2", "ShopWire", "ShopModels", "ShopScheduler", "ShopMetrics",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // Load generation and reports for `shopctl bench`.
        .target(name: "ShopBench", dependencies: [
            "ShopClient", "ShopWire", "CShopSys",
            .product(name: "Histogram", package: "hdrhistogram-swift"),
        ], swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"])]),
        .executableTarget(name: "shopctl", dependencies: [
            "ShopClient", "ShopWire", "ShopProtoC", "ShopBench",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Histogram", package: "hdrhistogram-swift"),
        ]),

        // Benchmarks (print numbers; never run as tests): `swift run -c release <name>`.
        .executableTarget(name: "KernelBench", dependencies: ["ShopKernels", "CShopSys"], path: "Benchmarks/KernelBench"),
        .executableTarget(name: "SchedulerBench", dependencies: ["ShopScheduler", "ShopModels", "ShopKernels", "CShopSys", .product(name: "ArgumentParser", package: "swift-argument-parser")], path: "Benchmarks/SchedulerBench"),
        .executableTarget(name: "ModelLoadBench", dependencies: ["ShopModels"], path: "Benchmarks/ModelLoadBench"),
        .executableTarget(name: "VectorSearchBench", dependencies: ["ShopModels", "ShopKernels", "CShopSys"], path: "Benchmarks/VectorSearchBench"),

        // Tests.
        .testTarget(name: "ShopWireTests", dependencies: ["ShopWire"]),
        .testTarget(name: "ShopHTTP2Tests", dependencies: ["ShopHTTP2", "ShopWire"]),
        .testTarget(name: "ShopClientTests", dependencies: ["ShopClient", "ShopProtoC", "ShopWire", "shopctl", "ShopBench", "ShopHTTP2"]),
        .testTarget(name: "ShopKernelsTests", dependencies: ["ShopKernels"]),
        .testTarget(name: "ShopModelsTests", dependencies: ["ShopModels", "ShopKernels", "ShopScheduler"]),
        .testTarget(name: "ShopImagingTests", dependencies: ["ShopImaging"]),
        .testTarget(name: "ShopSchedulerTests", dependencies: ["ShopScheduler"]),
        .testTarget(name: "ShopMetricsTests", dependencies: ["ShopMetrics", "ShopScheduler", "ShopHTTP2", "ShopWire"]),
        .testTarget(name: "ShopServicesTests", dependencies: ["ShopServices", "ShopWire", "ShopProtoC", "ShopModels", "ShopScheduler"]),
    ],
    swiftLanguageModes: [.v5]
)
