"""TLS (ALPN h2) and mutual TLS, with certificates generated for the test."""
import ssl

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from certificates import CertificateAuthority
from h2wire import RawH2, grpc_frame

SERVING = health_pb2.HealthCheckResponse.SERVING


@pytest.fixture
def pki(tmp_path):
    ca = CertificateAuthority(tmp_path, "shop")
    other = CertificateAuthority(tmp_path, "other")
    return {
        "ca": ca,
        "server": ca.issue("server", server=True),
        "client": ca.issue("client", server=False),
        "stranger": other.issue("stranger", server=False),
    }


def check(target: str, credentials, timeout: float = 10):
    with grpc.secure_channel(target, credentials) as channel:
        return health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=timeout)


def test_tls_with_grpcio(start_server, pki):
    server = start_server("--tls-cert", str(pki["server"].cert), "--tls-key", str(pki["server"].key))
    credentials = grpc.ssl_channel_credentials(root_certificates=pki["ca"].cert_path.read_bytes())
    assert check(server.target, credentials).status == SERVING


def test_tls_negotiates_h2_over_tls_1_2_or_newer(start_server, pki):
    server = start_server("--tls-cert", str(pki["server"].cert), "--tls-key", str(pki["server"].key))
    context = ssl.create_default_context(cafile=str(pki["ca"].cert_path))
    context.set_alpn_protocols(["h2"])
    connection = RawH2(server.port, tls_context=context)
    try:
        assert connection.sock.selected_alpn_protocol() == "h2"
        assert connection.sock.version() in ("TLSv1.2", "TLSv1.3")
        stream = connection.request("/grpc.health.v1.Health/Check", grpc_frame(b""))
        result = connection.wait_stream(stream)
        assert result.grpc_status == 0, vars(result)
    finally:
        connection.close()


def test_plaintext_client_is_refused_by_a_tls_server(start_server, pki):
    server = start_server("--tls-cert", str(pki["server"].cert), "--tls-key", str(pki["server"].key))
    with grpc.insecure_channel(server.target) as channel:
        with pytest.raises(grpc.RpcError) as error:
            health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=5)
    assert error.value.code() in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED)
    server.assert_alive()


def test_mutual_tls(start_server, pki):
    server = start_server("--tls-cert", str(pki["server"].cert), "--tls-key", str(pki["server"].key),
                          "--tls-client-ca", str(pki["ca"].cert_path))
    root = pki["ca"].cert_path.read_bytes()
    cert, key = pki["client"].pem()
    assert check(server.target, grpc.ssl_channel_credentials(root, private_key=key, certificate_chain=cert)).status == SERVING

    for credentials in [grpc.ssl_channel_credentials(root),  # no client certificate
                        grpc.ssl_channel_credentials(root, private_key=pki["stranger"].key.read_bytes(),
                                                     certificate_chain=pki["stranger"].cert.read_bytes())]:
        with pytest.raises(grpc.RpcError) as error:
            check(server.target, credentials, timeout=5)
        assert error.value.code() in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED)
    server.assert_alive()
