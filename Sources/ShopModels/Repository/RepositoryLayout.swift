import Foundation

/// Reads the directory structure `root/<model>/<version>/` of a model repository.
///
/// Model directories are the non-hidden sub-directories of the root; version directories are
/// sub-directories whose name is a canonical non-negative decimal number (`3`, not `03` or `3.tmp`),
/// so a version can be staged under another name and renamed into place atomically.
struct RepositoryLayout {
    let root: String

    /// Model name → (version → directory path).
    func scan() -> [String: [Int: String]] {
        var result: [String: [Int: String]] = [:]
        for model in subdirectories(of: root) where !model.hasPrefix(".") {
            let modelPath = root + "/" + model
            var versions: [Int: String] = [:]
            for entry in subdirectories(of: modelPath) {
                if let version = Int(entry), version >= 0, String(version) == entry {
                    versions[version] = modelPath + "/" + entry
                }
            }
            result[model] = versions
        }
        return result
    }

    /// A cheap identity of a version directory's current contents (sizes, mtimes and inodes of the
    /// directory, config.json and model.safetensors): a refused version is retried only when it changes.
    func fingerprint(ofVersionAt directory: String) -> [String] {
        [directory, directory + "/" + LoadedModelVersion.FileName.config,
         directory + "/" + LoadedModelVersion.FileName.weights].map { path in
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return "-" }
            let size = (attributes[.size] as? NSNumber)?.int64Value ?? -1
            let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            let inode = (attributes[.systemFileNumber] as? NSNumber)?.int64Value ?? -1
            return "\(size):\(modified):\(inode)"
        }
    }

    private func subdirectories(of path: String) -> [String] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: path) else { return [] }
        return entries.filter { entry in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: path + "/" + entry, isDirectory: &isDirectory)
                && isDirectory.boolValue
        }.sorted()
    }
}
