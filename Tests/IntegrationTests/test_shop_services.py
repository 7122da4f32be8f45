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


def test_an_empty_request_is_validated_before_the_model_check(channel, pool):
    """Validation runs before the model check: a request missing its required inputs is the
    caller's fault (INVALID_ARGUMENT) whatever the model state. Everything in a RecallRequest
    is optional, so an empty one is valid (and UNAVAILABLE here)."""
    for path, method in methods(pool):
        with pytest.raises(grpc.RpcError) as error:
            raw_unary(channel, path)(b"", timeout=5)
        expected = grpc.StatusCode.UNAVAILABLE if "RecallService" in path else grpc.StatusCode.INVALID_ARGUMENT
        assert error.value.code() == expected, (path, error.value.details())


@pytest.mark.parametrize("path,body,field", [
    ("/shop.v1.RankService/Rank", {"candidateItemIds": ["1", "1"]}, "candidate_item_ids[1]"),
    ("/shop.v1.RankService/Rank", {"candidateItemIds": ["1"], "diversity": {"mmrLambda": 1.5}}, "diversity.mmr_lambda"),
    ("/shop.v1.PriceService/SuggestPrices", {"skus": [{"skuId": "a", "currentPrice": -1}]}, "skus[0].current_price"),
    ("/shop.v1.ImageSearchService/Search", {"rawImage": {"width": 2, "height": 2, "channels": 2, "pixels": "AAAAAAAAAAA="}},
     "raw_image.channels"),
    ("/shop.v1.DialogueService/Converse", {"text": "   "}, "text"),
    ("/shop.v1.RecallService/Recall", {"limit": 5000}, "limit"),
])
def test_invalid_fields_are_named_in_the_status(channel, pool, path, body, field):
    service_name, method_name = path.strip("/").split("/")
    method = pool.FindServiceByName(service_name).methods_by_name[method_name]
    request = json_format.ParseDict(body, GetMessageClass(method.input_type)())
    with pytest.raises(grpc.RpcError) as error:
        raw_unary(channel, path)(request.SerializeToString(), timeout=5)
    assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert error.value.details().startswith(field), error.value.details()


# A minimal valid request per input message (proto3 JSON).
VALID_REQUESTS: dict[str, dict] = {
    "shop.v1.RecallRequest": {"userId": "42", "recentItemIds": ["1", "2"], "limit": 10},
    "shop.v1.RankRequest": {"userId": "42", "candidateItemIds": ["1", "2", "3"]},
    "shop.v1.SuggestPricesRequest": {"skus": [{"skuId": "sku-1", "currentPrice": 9.99, "unitCost": 5}]},
    "shop.v1.SearchRequest": {"embedding": {"values": [0.5, 0.25, 0.125]}, "limit": 5},
    "shop.v1.ConverseRequest": {"text": "where is my order?", "languageCode": "en"},
}
