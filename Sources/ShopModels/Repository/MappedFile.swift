#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A whole file mapped read-only (`PROT_READ`, `MAP_PRIVATE`) into memory.
///
/// The mapping lives as long as this object: it is unmapped in `deinit`, so anything that hands out
/// pointers into it (tensor views, loaded model versions) keeps a strong reference to it.
/// The file descriptor is closed right after mapping; replacing or deleting the file on disk
/// afterwards does not affect the mapping (new versions are written as new files).
public final class MappedFile: @unchecked Sendable {
    /// How the kernel should expect the mapping to be read (`madvise`).
    public enum AccessHint: Sendable {
        /// No hint: pages are faulted in (with the kernel's default read-ahead) when first touched.
        case normal
        /// Start reading the whole file into the page cache in the background (`MADV_WILLNEED`),
        /// so the first request does not pay for page faults. Does not block the caller.
        case willNeed
        /// Pages are read in random order (`MADV_RANDOM`): no read-ahead (large embedding tables).
        case random
    }

    /// The path the file was opened from.
    public let path: String
    /// The mapped bytes (empty for an empty file).
    public let bytes: UnsafeRawBufferPointer

    /// Maps `path` read-only. Throws ``ModelLoadError`` naming the file if it cannot be opened,
    /// is not a regular file, or cannot be mapped.
    public init(path: String, hint: AccessHint = .normal) throws {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let err = errno
            throw ModelLoadError(file: path, err == ENOENT ? .missing : .unreadable(Self.systemMessage(err)))
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw ModelLoadError(file: path, .unreadable("fstat: \(Self.systemMessage(errno))"))
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw ModelLoadError(file: path, .unreadable("not a regular file"))
        }
        let size = Int(info.st_size)
        guard size > 0 else {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        guard let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), base != MAP_FAILED else {
            throw ModelLoadError(file: path, .unreadable("mmap of \(size) bytes: \(Self.systemMessage(errno))"))
        }
        bytes = UnsafeRawBufferPointer(start: UnsafeRawPointer(base), count: size)
        advise(hint)
    }

    deinit {
        if let base = bytes.baseAddress {
            munmap(UnsafeMutableRawPointer(mutating: base), bytes.count)
        }
    }

    /// Size of the file in bytes.
    public var count: Int { bytes.count }

    /// Applies an access hint to the whole mapping. Hints are advisory; failures are ignored.
    public func advise(_ hint: AccessHint) {
        guard let base = bytes.baseAddress else { return }
        let advice: Int32
        switch hint {
        case .normal: advice = MADV_NORMAL
        case .willNeed: advice = MADV_WILLNEED
        case .random: advice = MADV_RANDOM
        }
        _ = madvise(UnsafeMutableRawPointer(mutating: base), bytes.count, advice)
    }

    static func systemMessage(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
