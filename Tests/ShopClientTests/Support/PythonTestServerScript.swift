/// The stock grpcio server the client tests talk to (written to a temporary file and run by
/// `PythonTestServer`). It serves:
/// - `grpc.health.v1.Health` (grpcio-health-checking): "" and `shop.test.Serving` SERVING,
///   `shop.test.NotServing` NOT_SERVING;
/// - server reflection v1 and v1alpha (grpcio-reflection);
/// - `test.Probe`, raw-bytes methods steered by request metadata:
///   `Unary` echoes the request; `Stream` sends `x-count` messages (request + index byte);
///   `x-status`/`x-message` (URL-quoted) end the call with that status, `x-sleep-ms` delays,
///   `x-compress-response: 1` gzips the response, `x-echo-*` headers come back as headers,
///   the trailers carry `x-trailer: done` and `x-deadline-ms` (time remaining, or -1);
///   `SetHealth` takes `SERVICE=SERVING|NOT_SERVING` and changes the health status.
/// It prints `PORT <n>` once listening, and exits when its stdin closes.
enum PythonTestServerScript {
    static let source = #"""
import argparse, sys, threading, time, urllib.parse
from concurrent import futures
import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

parser = argparse.ArgumentParser()
parser.add_argument("--cert"); parser.add_argument("--key"); parser.add_argument("--client-ca")
args = parser.parse_args()

server = grpc.server(futures.ThreadPoolExecutor(max_workers=32), maximum_concurrent_rpcs=None)
health_servicer = health.HealthServicer()
health_servicer.set("", health_pb2.HealthCheckResponse.SERVING)
health_servicer.set("shop.test.Serving", health_pb2.HealthCheckResponse.SERVING)
health_servicer.set("shop.test.NotServing", health_pb2.HealthCheckResponse.NOT_SERVING)
health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)

def settle(request, context):
    md = dict(context.invocation_metadata())
    if "x-sleep-ms" in md:
        time.sleep(int(md["x-sleep-ms"]) / 1000.0)
    if md.get("x-compress-response") == "1":
        context.set_compression(grpc.Compression.Gzip)
    echo = tuple((k, v) for k, v in context.invocation_metadata() if k.startswith("x-echo-"))
    if echo:
        context.send_initial_metadata(echo)
    remaining = context.time_remaining()
    context.set_trailing_metadata((("x-trailer", "done"),
        ("x-deadline-ms", str(-1 if remaining is None or remaining > 1e6 else int(remaining * 1000)))))
    return md

def finish(md, context):
    if "x-status" in md:
        code = next(c for c in grpc.StatusCode if c.value[0] == int(md["x-status"]))
        context.abort(code, urllib.parse.unquote(md.get("x-message", "")))

def unary(request, context):
    md = settle(request, context)
    finish(md, context)
    return request

def stream(request, context):
    md = settle(request, context)
    for i in range(int(md.get("x-count", "3"))):
        yield request + bytes([i % 256])
        if "x-interval-ms" in md:
            time.sleep(int(md["x-interval-ms"]) / 1000.0)
    finish(md, context)

def set_health(request, context):
    service, status = request.decode().split("=")
    health_servicer.set(service, health_pb2.HealthCheckResponse.ServingStatus.Value(status))
    return b"ok"

server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler("test.Probe", {
    "Unary": grpc.unary_unary_rpc_method_handler(unary),
    "Stream": grpc.unary_stream_rpc_method_handler(stream),
    "SetHealth": grpc.unary_unary_rpc_method_handler(set_health),
}),))
reflection.enable_server_reflection((
    health_pb2.DESCRIPTOR.services_by_name["Health"].full_name,
    reflection.SERVICE_NAME,
), server)

if args.cert:
    key = open(args.key, "rb").read(); cert = open(args.cert, "rb").read()
    ca = open(args.client_ca, "rb").read() if args.client_ca else None
    creds = grpc.ssl_server_credentials(((key, cert),), root_certificates=ca,
                                        require_client_auth=ca is not None)
    port = server.add_secure_port("127.0.0.1:0", creds)
else:
    port = server.add_insecure_port("127.0.0.1:0")
server.start()
print("PORT %d" % port, flush=True)
sys.stdin.read()
server.stop(0)
"""#
}
