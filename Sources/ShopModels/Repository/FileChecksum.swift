import COpenSSL

/// SHA-256 of mapped bytes, computed with OpenSSL's EVP digest API (streamed in chunks).
public enum FileChecksum {
    /// Lower-case hex SHA-256 of a whole mapped file. Reads every byte once.
    public static func sha256Hex(of file: MappedFile) -> String {
        withExtendedLifetime(file) { sha256Hex(file.bytes) }
    }

    /// Lower-case hex SHA-256 of `bytes` (which must stay valid during the call). Reads every byte once.
    public static func sha256Hex(_ bytes: UnsafeRawBufferPointer) -> String {
        guard let context = EVP_MD_CTX_new() else { fatalError("EVP_MD_CTX_new failed: out of memory") }
        defer { EVP_MD_CTX_free(context) }
        precondition(EVP_DigestInit_ex(context, EVP_sha256(), nil) == 1, "EVP_DigestInit_ex(sha256) failed")
        let chunk = 1 << 20
        var offset = 0
        while offset < bytes.count {
            let length = min(chunk, bytes.count - offset)
            precondition(EVP_DigestUpdate(context, bytes.baseAddress! + offset, length) == 1, "EVP_DigestUpdate failed")
            offset += length
        }
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var digestLength: UInt32 = 0
        precondition(EVP_DigestFinal_ex(context, &digest, &digestLength) == 1, "EVP_DigestFinal_ex failed")
        return digest.prefix(Int(digestLength)).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
