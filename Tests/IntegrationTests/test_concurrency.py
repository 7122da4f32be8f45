"""Many concurrent calls on one channel (one HTTP/2 connection)."""
import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc


def test_200_concurrent_unary_calls_on_one_channel(channel):
    stub = health_pb2_grpc.HealthStub(channel)
    futures = [stub.Check.future(health_pb2.HealthCheckRequest(service=""), timeout=60) for _ in range(200)]
    assert all(f.result(timeout=60).status == health_pb2.HealthCheckResponse.SERVING for f in futures)


def test_200_concurrent_mixed_calls_on_one_channel(channel):
    health = health_pb2_grpc.HealthStub(channel)
    reflection = reflection_pb2_grpc.ServerReflectionStub(channel)
    unknown = [health.Check.future(health_pb2.HealthCheckRequest(service=f"svc-{i}"), timeout=60) for i in range(100)]
    listings = [reflection.ServerReflectionInfo(iter([reflection_pb2.ServerReflectionRequest(list_services="")]), timeout=60)
                for _ in range(100)]
    for future in unknown:
        assert future.exception(timeout=60).code() == grpc.StatusCode.NOT_FOUND
    for stream in listings:
        names = [s.name for response in stream for s in response.list_services_response.service]
        assert "grpc.health.v1.Health" in names
