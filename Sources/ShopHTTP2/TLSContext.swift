import COpenSSL

/// The server's OpenSSL context: TLS 1.2+, certificate and key from PEM files, ALPN that accepts
/// only `h2`, and, when a client-CA file is given, mandatory client certificates (mutual TLS).
/// Created once; `SSL_new` on it is thread-safe, so all reactors share it.
final class TLSContext: @unchecked Sendable {
    let context: OpaquePointer

    init(configuration: TLSConfiguration) throws {
        guard let context = SSL_CTX_new(TLS_server_method()) else { throw TLSError.openSSL("SSL_CTX_new") }
        self.context = context
        guard shop_ssl_ctx_set_min_proto_version(context, TLS1_2_VERSION) == 1 else {
            throw TLSError.openSSL("set minimum TLS version")
        }
        _ = SSL_CTX_ctrl(context, SSL_CTRL_MODE,
                         Int(SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_RELEASE_BUFFERS), nil)
        // SSL_OP_NO_COMPRESSION (bit 17), SSL_OP_CIPHER_SERVER_PREFERENCE (bit 22), SSL_OP_NO_RENEGOTIATION
        // (bit 30): macros over SSL_OP_BIT that Swift cannot import.
        _ = SSL_CTX_set_options(context, UInt64(1) << 17 | UInt64(1) << 22 | UInt64(1) << 30)
        guard SSL_CTX_use_certificate_chain_file(context, configuration.certificateFile) == 1 else {
            throw TLSError.openSSL("load certificate \(configuration.certificateFile)")
        }
        guard SSL_CTX_use_PrivateKey_file(context, configuration.privateKeyFile, SSL_FILETYPE_PEM) == 1 else {
            throw TLSError.openSSL("load private key \(configuration.privateKeyFile)")
        }
        guard SSL_CTX_check_private_key(context) == 1 else {
            throw TLSError.openSSL("private key does not match the certificate")
        }
        if let caFile = configuration.clientCAFile {
            guard SSL_CTX_load_verify_locations(context, caFile, nil) == 1 else {
                throw TLSError.openSSL("load client CA \(caFile)")
            }
            if let names = SSL_load_client_CA_file(caFile) { SSL_CTX_set_client_CA_list(context, names) }
            SSL_CTX_set_verify(context, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nil)
        }
        SSL_CTX_set_alpn_select_cb(context, { _, out, outLength, offered, offeredLength, _ in
            // The client's list is length-prefixed protocol names; accept only "h2".
            guard let offered, let out, let outLength else { return SSL_TLSEXT_ERR_ALERT_FATAL }
            var index = 0
            let count = Int(offeredLength)
            while index < count {
                let length = Int(offered[index])
                if length == 2, index + 2 < count, offered[index + 1] == UInt8(ascii: "h"), offered[index + 2] == UInt8(ascii: "2") {
                    out.pointee = offered + index + 1
                    outLength.pointee = 2
                    return SSL_TLSEXT_ERR_OK
                }
                index += 1 + length
            }
            return SSL_TLSEXT_ERR_ALERT_FATAL
        }, nil)
    }

    deinit { SSL_CTX_free(context) }
}

/// A TLS set-up or handshake failure, with OpenSSL's error queue text.
public struct TLSError: Error, CustomStringConvertible {
    public var description: String

    static func openSSL(_ what: String) -> TLSError {
        var details: [String] = []
        while case let code = ERR_get_error(), code != 0 {
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            details.append(String(cString: buffer))
        }
        return TLSError(description: details.isEmpty ? what : "\(what): \(details.joined(separator: "; "))")
    }
}
