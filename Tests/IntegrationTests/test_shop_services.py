"""The shop.v1 services before models land: requests are decoded and validated for real, then
the answer is UNAVAILABLE "model '<name>' is not loaded" (the test server runs without
models) — never a fake result."""
import grpc
import pytest
from google.protobuf import json_format
from google.protobuf.descriptor_pool import DescriptorPool
from google.protobuf.message_factory import GetMessageClass
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import ProtoReflectionDescriptorDatabase

from conftest import raw_unary

SHOP_SERVICES = ["shop.v1.RecallService", "shop.v1.RankService", "shop.v1.PriceService",
                 "shop.v1.ImageSearchService", "shop.v1.DialogueService"]


@pytest.fixture(scope="module")
def pool(server):
    with grpc.insecure_channel(server.target) as channel:
        database = ProtoReflectionDescriptorDatabase(channel)
        pool = DescriptorPool(database)
        listed = set(database.get_services())
        for name in SHOP_SERVICES:
            assert name in listed, f"{name} is not served (listed: {sorted(listed)})"
            pool.FindServiceByName(name)
        yield pool


def methods(pool):
    for service_name in SHOP_SERVICES:
        for method in pool.FindServiceByName(service_name).methods:
            yield f"/{service_name}/{method.name}", method


def test_every_shop_method_rejects_a_malformed_request(channel, pool):
    for path, method in methods(pool):
        with pytest.raises(grpc.RpcError) as error:
            raw_unary(channel, path)(b"\x0a\xff\xff\xff\xff\x0f", timeout=5)
        assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT, path
        assert "malformed" in error.value.details(), (path, error.value.details())


def test_every_shop_method_answers_unavailable_without_its_model(channel, pool):
    for path, method in methods(pool):
        request_class = GetMessageClass(method.input_type)
        request = json_format.ParseDict(VALID_REQUESTS[method.input_type.full_name], request_class())
        with pytest.raises(grpc.RpcError) as error:
            raw_unary(channel, path)(request.SerializeToString(), timeout=5)
        assert error.value.code() == grpc.StatusCode.UNAVAILABLE, (path, error.value.details())
        assert "is not loaded" in error.value.details(), (path, error.value.details())


def test_an_empty_request_is_invalid_not_unavailable(channel, pool):
    """Validation runs before the model check: a request missing its required inputs is the
    caller's fault (INVALID_ARGUMENT) whatever the model state."""
    for path, method in methods(pool):
        with pytest.raises(grpc.RpcError) as error:
            raw_unary(channel, path)(b"", timeout=5)
        assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT, (path, error.value.details())


# A minimal valid request per input message (proto3 JSON), filled in with the protos.
VALID_REQUESTS: dict[str, dict] = {}
