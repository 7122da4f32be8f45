// ModelLoadBench: how long does a ~1 GB model take from `open` to ready, next to reading the file?
//
//   swift run -c release ModelLoadBench [--size-mb 1024] [--dir /path/on/the/disk/to/measure]
//
// Builds two safetensors files shaped like real INT8 models in a temporary directory — "typical":
// I8 [4096×4096] weights (16 MB each) with F32 scale and bias tensors (~200 tensors, ~20 KB header);
// "many tensors": I8 [512×512] weights, 12,288 tensors, ~1 MB of header JSON — and for each prints:
//   - open-to-ready (mmap + header parse + validation), cold (page cache evicted) and warm;
//   - the time to read the whole file once with read(2), cold and warm;
//   - open-to-ready with the optional sha256 (the only step that reads tensor bytes);
//   - page-cache residency after a cold open-to-ready, to show validation touched only the header.
// Numbers are from this run on this machine; compare the ratios, not the absolute times.
import Foundation
import ShopModels
#if canImport(Glibc)
import Glibc
#endif

func argument(_ name: String) -> String? {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

func milliseconds(_ value: Double) -> String { String(format: "%9.3f ms", value * 1e3) }

/// Flushes the file and asks the kernel to drop it from the page cache (clean pages only).
func evictFromPageCache(_ path: String) {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { fatalError("open \(path)") }
    fsync(fd)
    _ = posix_fadvise(fd, 0, 0, Int32(POSIX_FADV_DONTNEED))
    close(fd)
}

/// Fraction of the file's pages in the page cache (mincore on a fresh mapping).
func residentFraction(_ path: String) -> Double {
    let fd = open(path, O_RDONLY)
    defer { close(fd) }
    var info = stat()
    fstat(fd, &info)
    let size = Int(info.st_size)
    guard let base = mmap(nil, size, PROT_READ, MAP_SHARED, fd, 0), base != MAP_FAILED else { return -1 }
    defer { munmap(base, size) }
    let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
    var vector = [UInt8](repeating: 0, count: (size + pageSize - 1) / pageSize)
    guard mincore(base, size, &vector) == 0 else { return -1 }
    return Double(vector.reduce(0) { $0 + Int($1 & 1) }) / Double(vector.count)
}

/// Reads the whole file once with read(2) into a reused 8 MB buffer.
func readWholeFile(_ path: String) -> Int {
    let fd = open(path, O_RDONLY)
    defer { close(fd) }
    var buffer = [UInt8](repeating: 0, count: 8 << 20)
    var total = 0
    while true {
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n <= 0 { break }
        total += n
    }
    return total
}

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

/// One benchmark file layout: `layers` × (I8 [rows, columns] weight + F32 [rows] scale + F32 [rows] bias).
struct Layout {
    let name: String
    let rows: Int
    let columns: Int
    let layers: Int
}

func build(_ layout: Layout, at path: String) throws -> Double {
    var writer = SafetensorsWriter()
    for layer in 0..<layout.layers {
        writer.add("layers.\(layer).weight", dtype: .i8, shape: [layout.rows, layout.columns], source: .generated { bytes in
            for i in stride(from: 0, to: bytes.count, by: 64) { bytes[i] = UInt8(truncatingIfNeeded: i &+ layer) }
        })
        writer.add("layers.\(layer).weight.scale", [Float](repeating: 0.01, count: layout.rows), shape: [layout.rows])
        writer.add("layers.\(layer).bias", [Float](repeating: 0, count: layout.rows), shape: [layout.rows])
    }
    return try seconds { try writer.write(to: path) }
}

func measure(_ layout: Layout, in parent: String) throws {
    let versionDirectory = parent + "/\(layout.name)/1"
    try FileManager.default.createDirectory(atPath: versionDirectory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: parent + "/\(layout.name)") }
    let path = versionDirectory + "/model.safetensors"
    let buildTime = try build(layout, at: path)
    let fileSize = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
    let probe = try SafetensorsFile(path: path)
    let headerBytes = probe.header.dataSectionOffset
    let tensorCount = probe.header.tensors.count
    print("")
    print("== \(layout.name): \(path)")
    print(String(format: "file %.1f MB, %d tensors, header %.1f KB of JSON (built in %.1f s)",
                 Double(fileSize) / 1e6, tensorCount, Double(headerBytes) / 1e3, buildTime))

    // Cold: evict, open-to-ready, check residency; evict, read the whole file.
    evictFromPageCache(path)
    let residentBefore = residentFraction(path)
    var coldFile: SafetensorsFile?
    let coldOpen = try seconds { coldFile = try SafetensorsFile(path: path, hint: .normal) }
    let residentAfterOpen = residentFraction(path)
    precondition(coldFile?.header.tensors.count == tensorCount)
    coldFile = nil
    evictFromPageCache(path)
    var bytesRead = 0
    let coldRead = seconds { bytesRead = readWholeFile(path) }
    precondition(bytesRead == fileSize)

    // Warm: the file is fully cached now.
    let warmRead = median((0..<3).map { _ in seconds { bytesRead = readWholeFile(path) } })
    let warmOpen = median(try (0..<9).map { _ in try seconds { _ = try SafetensorsFile(path: path, hint: .normal) } })

    // With the optional checksum (reads every byte), through the path a repository load takes.
    let digest = FileChecksum.sha256Hex(of: try SafetensorsFile(path: path).mapping)
    try Data("{\"schema_version\": 1, \"kind\": \"tensors\", \"sha256\": \"\(digest)\"}".utf8)
        .write(to: URL(fileURLWithPath: versionDirectory + "/config.json"))
    let registry = ModelKindRegistry()
    let warmChecked = median(try (0..<3).map { _ in
        try seconds { _ = try LoadedModelVersion.load(modelName: layout.name, version: 1, directory: versionDirectory,
                                                      registry: registry, hint: .normal) }
    })

    func ratio(_ value: Double) -> String { String(format: "%9.4f×", value) }
    print("                                               time      vs reading the file once")
    print("open-to-ready, cold (page cache evicted)  \(milliseconds(coldOpen))   \(ratio(coldOpen / coldRead)) of cold read")
    print("read whole file once, cold                \(milliseconds(coldRead))   \(String(format: "%.2f GB/s", Double(fileSize) / coldRead / 1e9))")
    print("open-to-ready, warm (median of 9)         \(milliseconds(warmOpen))   \(ratio(warmOpen / warmRead)) of warm read")
    print("read whole file once, warm (median of 3)  \(milliseconds(warmRead))   \(String(format: "%.2f GB/s", Double(fileSize) / warmRead / 1e9))")
    print("version load with sha256, warm (median 3) \(milliseconds(warmChecked))   \(ratio(warmChecked / warmRead)) of warm read (the checksum reads every byte)")
    print(String(format: "page cache residency: %.2f%% before cold open-to-ready, %.2f%% after (the header is %.3f%% of the file)",
                 residentBefore * 100, residentAfterOpen * 100, Double(headerBytes) / Double(fileSize) * 100))
    if residentBefore > 0.01 {
        print(String(format: "note: eviction was incomplete (%.1f%% resident): 'cold' numbers are partly warm", residentBefore * 100))
    }
}

let sizeMB = max(64, Int(argument("--size-mb") ?? "1024") ?? 1024)
let parent = (argument("--dir") ?? NSTemporaryDirectory()) + "/modelloadbench-\(getpid())"
try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: parent) }
print("ModelLoadBench: open-to-ready = mmap + header JSON parse (Foundation JSONDecoder) + validation of every entry;")
print("validation reads only the header, never tensor bytes (only the optional sha256 does).")
try measure(Layout(name: "typical", rows: 4096, columns: 4096, layers: sizeMB / 16), in: parent)
try measure(Layout(name: "many-tensors", rows: 512, columns: 512, layers: sizeMB * 4), in: parent)
