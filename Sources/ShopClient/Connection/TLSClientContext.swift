import COpenSSL

#if canImport(Glibc)
import Glibc
#endif

/// An OpenSSL client context built from a `TLSConfiguration`: TLS 1.2+, ALPN `h2`, trusted
/// CAs, optional client certificate for mutual TLS, peer verification on by default.
/// Immutable once built; one context can serve many connections.
final class TLSClientContext: @unchecked Sendable {
    let context: OpaquePointer
    let configuration: TLSConfiguration

    init(_ configuration: TLSConfiguration) throws {
        guard let ctx = SSL_CTX_new(TLS_client_method()) else { throw ClientError.tls(Self.lastError()) }
        context = ctx
        self.configuration = configuration
        _ = shop_ssl_ctx_set_min_proto_version(ctx, TLS1_2_VERSION)

        var alpn: [UInt8] = [2, UInt8(ascii: "h"), UInt8(ascii: "2")]
        guard SSL_CTX_set_alpn_protos(ctx, &alpn, UInt32(alpn.count)) == 0 else {
            throw ClientError.tls("cannot set ALPN: \(Self.lastError())")
        }

        if let caFile = configuration.caFile {
            guard SSL_CTX_load_verify_locations(ctx, caFile, nil) == 1 else {
                throw ClientError.tls("cannot load CA file \(caFile): \(Self.lastError())")
            }
        } else {
            _ = SSL_CTX_set_default_verify_paths(ctx)
        }
        SSL_CTX_set_verify(ctx, configuration.verifyPeer ? SSL_VERIFY_PEER : SSL_VERIFY_NONE, nil)

        switch (configuration.certificateFile, configuration.keyFile) {
        case (nil, nil):
            break
        case (let cert?, let key?):
            guard SSL_CTX_use_certificate_chain_file(ctx, cert) == 1 else {
                throw ClientError.tls("cannot load certificate \(cert): \(Self.lastError())")
            }
            guard SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) == 1 else {
                throw ClientError.tls("cannot load private key \(key) for certificate \(cert): \(Self.lastError())")
            }
            guard SSL_CTX_check_private_key(ctx) == 1 else {
                throw ClientError.tls("private key \(key) does not match certificate \(cert)")
            }
        default:
            throw ClientError.tls("a client certificate needs both --cert and --key")
        }
    }

    deinit { SSL_CTX_free(context) }

    /// A new SSL object for one connection to `target`, attached to the non-blocking `fd`,
    /// with SNI and host-name verification set up.
    func makeSSL(fd: Int32, target: Target) throws -> OpaquePointer {
        guard let ssl = SSL_new(context) else { throw ClientError.tls(Self.lastError()) }
        SSL_set_fd(ssl, fd)
        // Partial writes: the connection keeps unsent bytes itself and retries with a
        // possibly different buffer address.
        let mode = SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER
        _ = SSL_ctrl(ssl, SSL_CTRL_MODE, Int(mode), nil)

        let name = configuration.serverName ?? target.host
        let nameIsIP = Target(host: name, port: target.port).hostIsIPAddress
        if !nameIsIP {
            _ = shop_ssl_set_tlsext_host_name(ssl, name)
        }
        if configuration.verifyPeer {
            let param = SSL_get0_param(ssl)
            let ok = nameIsIP ? X509_VERIFY_PARAM_set1_ip_asc(param, name) : X509_VERIFY_PARAM_set1_host(param, name, 0)
            guard ok == 1 else {
                SSL_free(ssl)
                throw ClientError.tls("cannot verify against server name \(name)")
            }
        }
        return ssl
    }

    /// Drains OpenSSL's error queue into one readable line.
    static func lastError() -> String {
        var messages: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            messages.append(String(cString: buffer))
        }
        return messages.isEmpty ? "unknown OpenSSL error" : messages.joined(separator: "; ")
    }
}
