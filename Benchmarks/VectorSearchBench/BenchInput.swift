import Foundation

/// Command line of VectorSearchBench and the raw files tools/bench/vector_search.py shares with it.
struct BenchInput {
    var base = "", queries = "", truth = ""
    var dimension = 64, k = 10, batch = 256, lists = 0, iterations = 8, sample: Int?, repeats = 3
    var nprobes: [Int] = []
    var label = "synthetic"
    var skipExact = false
    /// Build with INT16 re-scoring rows (`VectorIndex(..., fineVectors: true)`); methods get a "+i16" suffix.
    var fine = false
    /// Build without the rotation (`rotate: false`); methods get a " norot" suffix.
    var noRotate = false

    static let usage = """
    usage: VectorSearchBench --base F.f32 --queries F.f32 --truth F.i64 --dim D [--k 10] [--batch 256]
                             [--lists C --nprobe 8,16,32 [--iterations 8] [--sample N]] [--repeats 3] [--label NAME] [--ivf-only] [--fine] [--no-rotate]
    Raw little-endian files: base [n, D] float32, queries [m, D] float32, truth [m, k] int64 (exact FP32
    neighbours, best first). Prints one RESULT JSON line per method (see tools/bench-vector-search.sh).
    """

    init(arguments: [String]) {
        var i = 1
        func value() -> String {
            i += 1
            guard i < arguments.count else { Self.fail("missing value for \(arguments[i - 1])") }
            return arguments[i]
        }
        while i < arguments.count {
            switch arguments[i] {
            case "--base": base = value()
            case "--queries": queries = value()
            case "--truth": truth = value()
            case "--dim": dimension = Int(value()) ?? 0
            case "--k": k = Int(value()) ?? 0
            case "--batch": batch = Int(value()) ?? 0
            case "--lists": lists = Int(value()) ?? 0
            case "--iterations": iterations = Int(value()) ?? 0
            case "--sample": sample = Int(value())
            case "--repeats": repeats = Int(value()) ?? 1
            case "--nprobe": nprobes = value().split(separator: ",").compactMap { Int($0) }
            case "--label": label = value()
            case "--ivf-only": skipExact = true
            case "--fine": fine = true
            case "--no-rotate": noRotate = true
            case "-h", "--help": print(Self.usage); exit(0)
            default: Self.fail("unknown argument \(arguments[i])")
            }
            i += 1
        }
        guard !base.isEmpty, !queries.isEmpty, !truth.isEmpty, dimension > 0, k > 0, batch > 0 else { Self.fail("missing arguments") }
    }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("VectorSearchBench: \(message)\n\(usage)\n".utf8))
        exit(2)
    }

    /// The elements of a raw little-endian file.
    static func load<Element>(_ path: String, as _: Element.Type) -> [Element] {
        guard let data = FileManager.default.contents(atPath: path) else { fail("cannot read \(path)") }
        let count = data.count / MemoryLayout<Element>.stride
        return [Element](unsafeUninitializedCapacity: count) { buffer, initialized in
            _ = data.copyBytes(to: buffer)
            initialized = count
        }
    }
}
