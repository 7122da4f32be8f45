"""Drives the in-process test server with the stock Python gRPC client (grpcio).

Called by ShopHTTP2Tests: `python grpc_probe.py TARGET SCENARIO 'JSON options'`; prints one JSON
object with what the client observed. Bytes go over the wire unserialized (no protobuf), so
the transport is tested on its own.
"""
import json
import sys
import threading
import time

import grpc


def channel_for(target, options):
    channel_options = [("grpc.max_receive_message_length", 64 * 1024 * 1024),
                       ("grpc.max_send_message_length", 64 * 1024 * 1024)]
    compression = grpc.Compression.Gzip if options.get("gzip") else None
    if "ca" in options:
        def read(name):
            with open(options[name], "rb") as handle:
                return handle.read()
        credentials = grpc.ssl_channel_credentials(
            root_certificates=read("ca"),
            private_key=read("key") if "key" in options else None,
            certificate_chain=read("cert") if "cert" in options else None)
        channel_options.append(("grpc.ssl_target_name_override", "localhost"))
        return grpc.secure_channel(target, credentials, options=channel_options, compression=compression)
    return grpc.insecure_channel(target, options=channel_options, compression=compression)


def outcome(code, details, responses=None, initial=None, trailing=None):
    return {
        "code": code.name,
        "details": details or "",
        "responses": [r.decode("latin-1") if len(r) < 64 else "<%d bytes>" % len(r) for r in (responses or [])],
        "response_sizes": [len(r) for r in (responses or [])],
        "initial": {k: v for k, v in (initial or [])},
        "trailing": {k: v for k, v in (trailing or [])},
    }


def call(channel, options):
    """One call of `method` with `requests` (strings) or `request_size` bytes, via stream_stream."""
    method = channel.stream_stream("/" + options.get("method", "test.Echo/Echo"))
    if "request_size" in options:
        requests = [b"x" * options["request_size"]]
    else:
        requests = [r.encode() for r in options.get("requests", ["hello"])]
    metadata = [(k, v) for k, v in options.get("metadata", {}).items()]
    rpc = method(iter(requests), timeout=options.get("timeout"), metadata=metadata,
                 wait_for_ready=options.get("wait_for_ready", False))
    responses = []
    try:
        for response in rpc:
            responses.append(response)
    except grpc.RpcError:
        pass
    return outcome(rpc.code(), rpc.details(), responses, rpc.initial_metadata(), rpc.trailing_metadata())


def cancel(channel, options):
    """Starts a slow call and cancels it after `after` seconds."""
    method = channel.unary_unary("/test.Echo/Slow")
    future = method.future(str(options.get("slow_ms", 5000)).encode())
    time.sleep(options.get("after", 0.3))
    future.cancel()
    try:
        future.result()
    except grpc.FutureCancelledError:
        return {"code": "CANCELLED", "details": "cancelled by client"}
    except grpc.RpcError as error:
        return {"code": error.code().name, "details": error.details()}
    return {"code": "OK", "details": ""}


def concurrent(channel, options):
    """`count` concurrent Echo calls on one channel; reports how many came back intact."""
    method = channel.unary_unary("/test.Echo/Echo")
    count = options.get("count", 200)
    futures = [method.future(("call-%d" % i).encode(), timeout=30) for i in range(count)]
    intact = sum(1 for i, f in enumerate(futures) if f.result() == ("call-%d" % i).encode())
    return {"code": "OK", "intact": intact}


def slow_pair(channel, options):
    """Starts `count` slow calls, writes 'started' to stdout, then reports their outcomes."""
    method = channel.unary_unary("/test.Echo/Slow")
    futures = [method.future(str(options.get("slow_ms", 1000)).encode(), timeout=30)
               for _ in range(options.get("count", 2))]
    time.sleep(0.3)
    print("started", flush=True)
    codes = []
    for future in futures:
        try:
            future.result()
            codes.append("OK")
        except grpc.RpcError as error:
            codes.append(error.code().name)
    return {"code": "OK", "codes": codes}


SCENARIOS = {"call": call, "cancel": cancel, "concurrent": concurrent, "slow_pair": slow_pair}


def main():
    target, scenario = sys.argv[1], sys.argv[2]
    options = json.loads(sys.argv[3]) if len(sys.argv) > 3 else {}
    with channel_for(target, options) as channel:
        result = SCENARIOS[scenario](channel, options)
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
