#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import ShopKernels

extension VectorIndex {
    /// Loads the index stored under `prefix` in a model's safetensors file (docs/model-format.md,
    /// "Vector index"), using the tensors in place.
    ///
    /// Validates everything a search relies on and throws ``ModelLoadError`` naming the file and the
    /// tensor otherwise: dtypes and shapes, finite non-negative scales, IVF list offsets that start
    /// at 0, never decrease and end at n, list rows that are a permutation of `0 ..< n`, and list-order
    /// vectors and scales equal to the flat rows they name.
    public convenience init(tensors: SafetensorsFile, prefix: String) throws {
        let check = TensorChecks(file: tensors, prefix: prefix)
        let vectors = try check.tensor(".vectors", as: Int8.self)
        guard vectors.shape.count == 2, vectors.shape[1] >= 1, vectors.shape[1] <= Int(SHOP_MAX_K),
              vectors.shape[0] <= Int(Int32.max) else {
            throw check.reject(".vectors", "must be [n, d] with 1 <= d <= \(SHOP_MAX_K), got \(vectors.shape)")
        }
        let n = vectors.shape[0], d = vectors.shape[1]
        let scales = try check.tensor(".vectors.scale", as: Float.self, shape: [n])
        try check.finiteNonNegative(scales, ".vectors.scale")
        let ids = try check.optional(".ids", as: Int64.self, shape: [n])
        let categories = try check.optional(".categories", as: Int32.self, shape: [n])
        let rotation = try check.rotation(dimension: d)
        let fine = try check.fineVectors(count: n, dimension: d)
        let ivf = try Self.loadIVF(check, flatVectors: vectors, flatScales: scales, count: n, dimension: d)
        try self.init(count: n, dimension: d, vectors: vectors.buffer, scales: scales.buffer, ids: ids?.buffer,
                      categories: categories?.buffer, ivf: ivf?.lists, rotation: rotation, fine: fine, owners: [tensors.mapping] + (ivf.map { [$0.owner] } ?? []))
    }

    private static func loadIVF(_ check: TensorChecks, flatVectors: TensorView<Int8>, flatScales: TensorView<Float>,
                                count n: Int, dimension d: Int) throws -> (lists: IVFLists, owner: AnyObject)? {
        guard check.exists(".ivf.centroids") else {
            for part in [".ivf.list_offsets", ".ivf.rows", ".ivf.vectors"] where check.exists(part) {
                throw check.reject(part, "is present but '\(check.prefix).ivf.centroids' is not")
            }
            return nil
        }
        let centroids = try check.centroids(dimension: d)
        let lists = centroids.count / d
        let offsets = try check.tensor(".ivf.list_offsets", as: Int64.self, shape: [lists + 1])
        guard offsets[0] == 0, offsets[lists] == Int64(n) else {
            throw check.reject(".ivf.list_offsets", "must start at 0 and end at \(n), got \(offsets[0]) ... \(offsets[lists])")
        }
        for l in 0..<lists where offsets[l + 1] < offsets[l] {
            throw check.reject(".ivf.list_offsets", "decreases at list \(l) (\(offsets[l]) then \(offsets[l + 1]))")
        }
        let rows = try check.tensor(".ivf.rows", as: Int64.self, shape: [n])
        var seen = [Bool](repeating: false, count: n)
        for i in 0..<n {
            let row = rows[i]
            guard row >= 0, row < Int64(n) else { throw check.reject(".ivf.rows", "entry \(i) is \(row), outside 0 ..< \(n)") }
            guard !seen[Int(row)] else { throw check.reject(".ivf.rows", "row \(row) appears twice") }
            seen[Int(row)] = true
        }
        let listVectors = try check.tensor(".ivf.vectors", as: Int8.self, shape: [n, d])
        let listScales = try check.tensor(".ivf.vectors.scale", as: Float.self, shape: [n])
        for i in 0..<n {
            let row = Int(rows[i])
            let same = listScales[i] == flatScales[row]
                && memcmp(listVectors.buffer.baseAddress! + i * d, flatVectors.buffer.baseAddress! + row * d, d) == 0
            guard same else {
                throw check.reject(".ivf.vectors", "entry \(i) differs from '\(check.prefix).vectors' row \(row) it names")
            }
        }
        let ivf = try IVFLists(centroids: centroids.buffer, dimension: d, listOffsets: offsets.elements.map { Int($0) },
                               rows: rows.buffer, vectors: listVectors.buffer, scales: listScales.buffer)
        return (ivf, centroids.owner)
    }
}
