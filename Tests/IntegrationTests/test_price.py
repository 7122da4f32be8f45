"""PriceService end to end: the committed models/price model served by the real shopserve, called
with stock grpcio (messages from the server's own reflection). Guardrails bind and are named,
every decision is audited (JSON lines that parse), shadow mode keeps prices, bad inputs are
INVALID_ARGUMENT, a 1,000-SKU batch is answered in full."""
import json
import math
import random
import time
import uuid

import grpc
import pytest
from google.protobuf import json_format
from google.protobuf.descriptor_pool import DescriptorPool
from google.protobuf.message_factory import GetMessageClass
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import ProtoReflectionDescriptorDatabase

from conftest import PACKAGE_ROOT, ServerProcess, raw_unary

METHOD = "/shop.v1.PriceService/SuggestPrices"
ACTIONS = ["PRICE_ACTION_DECREASE_10_PERCENT", "PRICE_ACTION_DECREASE_5_PERCENT", "PRICE_ACTION_KEEP",
           "PRICE_ACTION_INCREASE_5_PERCENT", "PRICE_ACTION_INCREASE_10_PERCENT"]
MULTIPLIERS = [0.90, 0.95, 1.00, 1.05, 1.10]


@pytest.fixture(scope="module")
def price_server(tmp_path_factory):
    audit = tmp_path_factory.mktemp("price") / "audit.jsonl"
    process = ServerProcess("--models", str(PACKAGE_ROOT / "models"), "--price-audit-log", str(audit))
    process.audit_path = audit
    process.request_class, process.response_class = _message_classes(process)
    yield process
    process.assert_alive()
    process.kill()


def _message_classes(process):
    """SuggestPrices' request and response classes, from the server's reflection."""
    with grpc.insecure_channel(process.target) as channel:
        grpc.channel_ready_future(channel).result(timeout=10)
        pool = DescriptorPool(ProtoReflectionDescriptorDatabase(channel))
        method = pool.FindServiceByName("shop.v1.PriceService").methods_by_name["SuggestPrices"]
        return GetMessageClass(method.input_type), GetMessageClass(method.output_type)


def call(server, body: dict, timeout: float = 30) -> dict:
    """SuggestPrices with a proto3-JSON request; returns the proto3-JSON response (defaults included)."""
    request = json_format.ParseDict(body, server.request_class())
    with grpc.insecure_channel(server.target) as channel:
        raw = raw_unary(channel, METHOD)(request.SerializeToString(), timeout=timeout)
    return json_format.MessageToDict(server.response_class.FromString(raw), always_print_fields_with_no_presence=True)


def sku(sku_id: str, price: float = 10.0, cost: float = 6.0, **extra) -> dict:
    competitor = price * 1.02 if isinstance(price, (int, float)) else 0.0
    return {"skuId": sku_id, "currentPrice": price, "unitCost": cost, "competitorPrice": competitor,
            "inventoryUnits": 400, "daysToSeasonEnd": 30, "recentDailySales": [8, 9, 7, 8, 10, 6, 8], **extra}


def audit_records(server, decision_ids, timeout: float = 10.0) -> dict:
    """The audit records of `decision_ids`, waiting (bounded) for the writer thread."""
    wanted = set(decision_ids)
    deadline = time.monotonic() + timeout
    while True:
        records = {}
        if server.audit_path.exists():
            for line in server.audit_path.read_text().splitlines():
                record = json.loads(line)  # every line parses
                if record.get("decision_id") in wanted:
                    records[record["decision_id"]] = record
        if len(records) == len(wanted) or time.monotonic() > deadline:
            return records
        time.sleep(0.05)


def test_every_sku_gets_a_decision_in_request_order(price_server):
    skus = [sku("a"), sku("b", price=4.99, cost=1.0), sku("c", price=120.0, cost=90.0, recentDailySales=[])]
    response = call(price_server, {"skus": skus})
    assert response["modelVersion"] == "1"
    assert response["shadowMode"] is False
    suggestions = response["suggestions"]
    assert [s["skuId"] for s in suggestions] == ["a", "b", "c"]
    for request_sku, s in zip(skus, suggestions):
        uuid.UUID(s["decisionId"])
        values = s["actionValues"]
        assert [v["action"] for v in values] == ACTIONS
        q = [v["qValue"] for v in values]
        assert all(math.isfinite(x) for x in q)
        assert s["modelAction"] == ACTIONS[max(range(5), key=lambda a: (q[a], -a))]
        for v, multiplier in zip(values, MULTIPLIERS):
            assert v["price"] == pytest.approx(request_sku["currentPrice"] * multiplier)
        # No guardrails: the network's choice stands.
        assert s["finalAction"] == s["modelAction"] and s["guardrailsApplied"] == [] and not s["priceClamped"]
        chosen = MULTIPLIERS[ACTIONS.index(s["finalAction"])] * request_sku["currentPrice"]
        assert s["suggestedPrice"] == pytest.approx(round(chosen, 2))
        assert s["expectedDailyUnits"] >= 0
        assert s["expectedDailyProfit"] == pytest.approx((s["suggestedPrice"] - request_sku["unitCost"])
                                                         * s["expectedDailyUnits"])
    assert suggestions[2]["expectedDailyUnits"] == 0  # no sales history, no demand estimate
    assert len({s["decisionId"] for s in suggestions}) == 3


def test_a_guardrail_that_blocks_the_networks_choice_is_named(price_server):
    base = sku("g", price=10.0, cost=5.0)
    model_action = call(price_server, {"skus": [base]})["suggestions"][0]["modelAction"]
    index = ACTIONS.index(model_action)
    # Forbid exactly the network's choice: a ceiling at the current price blocks raises, a floor
    # blocks cuts, a floor just above the current price blocks keeping it.
    if index > 2:
        guardrails, rule, allowed = {"ceilingPrice": 10.0}, "GUARDRAIL_CEILING_PRICE", [0, 1, 2]
    elif index < 2:
        guardrails, rule, allowed = {"floorPrice": 10.0}, "GUARDRAIL_FLOOR_PRICE", [2, 3, 4]
    else:
        guardrails, rule, allowed = {"floorPrice": 10.2}, "GUARDRAIL_FLOOR_PRICE", [3, 4]
    s = call(price_server, {"skus": [dict(base, guardrails=guardrails)]})["suggestions"][0]
    assert s["modelAction"] == model_action
    assert s["guardrailsApplied"] == [rule]
    q = [v["qValue"] for v in s["actionValues"]]
    assert ACTIONS.index(s["finalAction"]) == max(allowed, key=lambda a: (q[a], -a))  # the best allowed action
    assert not s["priceClamped"]


def test_default_guardrails_apply_unless_a_sku_has_its_own(price_server):
    body = {"skus": [sku("d1", cost=10.0), sku("d2", cost=10.0, guardrails={"maxChangeFraction": 0.1})],
            "defaultGuardrails": {"minMargin": 0.2}}
    d1, d2 = call(price_server, body)["suggestions"]
    # Margin floor 12 above every action's price (at most 11): clamped to 12, MIN_MARGIN named.
    assert d1["priceClamped"] and d1["finalAction"] == "PRICE_ACTION_UNSPECIFIED"
    assert d1["suggestedPrice"] == pytest.approx(12.0)
    assert "GUARDRAIL_MIN_MARGIN" in d1["guardrailsApplied"]
    # d2's own guardrails replace the defaults as a whole: no margin rule.
    assert not d2["priceClamped"] and "GUARDRAIL_MIN_MARGIN" not in d2["guardrailsApplied"]


def test_current_price_below_the_floor_is_clamped_up(price_server):
    s = call(price_server, {"skus": [sku("f", guardrails={"floorPrice": 12.0, "maxChangeFraction": 0.25})]})["suggestions"][0]
    assert s["priceClamped"] and s["finalAction"] == "PRICE_ACTION_UNSPECIFIED"
    assert s["suggestedPrice"] == pytest.approx(12.0)
    assert "GUARDRAIL_FLOOR_PRICE" in s["guardrailsApplied"]


def test_audit_records_are_written_and_parse(price_server):
    skus = [sku("audit-1", guardrails={"ceilingPrice": 10.0}), sku("audit-2", price=3.5, cost=1.2)]
    response = call(price_server, {"skus": skus})
    ids = [s["decisionId"] for s in response["suggestions"]]
    records = audit_records(price_server, ids)
    assert set(records) == set(ids)
    for request_sku, s in zip(skus, response["suggestions"]):
        record = records[s["decisionId"]]
        assert record["sku_id"] == request_sku["skuId"] and record["model"] == "price" and record["model_version"] == "1"
        assert record["inputs"]["current_price"] == request_sku["currentPrice"]
        assert record["inputs"]["recent_daily_sales"] == request_sku["recentDailySales"]
        assert record["q_values"] == pytest.approx([v["qValue"] for v in s["actionValues"]], rel=1e-6)
        assert "PRICE_ACTION_" + record["model_action"] == s["modelAction"]
        assert "PRICE_ACTION_" + record["final_action"] == s["finalAction"]
        assert ["GUARDRAIL_" + g for g in record["guardrails_applied"]] == s["guardrailsApplied"]
        assert record["suggested_price"] == pytest.approx(s["suggestedPrice"])
        assert record["shadow_mode"] is False and len(record["features"]) == 6
        assert record["time"].endswith("Z")
    assert records[ids[0]]["inputs"]["guardrails"]["ceiling_price"] == 10.0


def test_shadow_mode_returns_current_prices_and_audits_the_networks_choice(price_server):
    skus = [sku(f"shadow-{i}", price=p, cost=c) for i, (p, c) in enumerate([(10, 2), (10, 9.5), (25, 5), (7.77, 1)])]
    live = call(price_server, {"skus": skus})["suggestions"]
    shadow = call(price_server, {"skus": skus, "shadowMode": True})
    assert shadow["shadowMode"] is True
    for request_sku, s, l in zip(skus, shadow["suggestions"], live):
        assert s["suggestedPrice"] == request_sku["currentPrice"]
        assert s["modelAction"] == l["modelAction"] and s["finalAction"] == l["finalAction"]
    records = audit_records(price_server, [s["decisionId"] for s in shadow["suggestions"]])
    for s, l in zip(shadow["suggestions"], live):
        record = records[s["decisionId"]]
        assert record["shadow_mode"] is True
        assert record["final_price"] == pytest.approx(l["suggestedPrice"])  # what live mode would have charged
        assert record["suggested_price"] == s["suggestedPrice"]


@pytest.mark.parametrize("body,field", [
    ({"skus": [sku("x", guardrails={"floorPrice": 12, "ceilingPrice": 11})]}, "skus[0].guardrails.ceiling_price"),
    ({"skus": [sku("x", cost=-1.0)]}, "skus[0].unit_cost"),
    ({"skus": [sku("x", price="NaN")]}, "skus[0].current_price"),
    ({"skus": [sku("x", competitorPrice="Infinity")]}, "skus[0].competitor_price"),
    ({"skus": [sku("x", cost=10.0, guardrails={"minMargin": 0.5, "ceilingPrice": 12})]}, "skus[0].guardrails.ceiling_price"),
    ({"skus": [sku("x")], "defaultGuardrails": {"floorPrice": 5, "ceilingPrice": 4}}, "default_guardrails.ceiling_price"),
    ({"skus": [sku("ok"), sku("y", price=10.0, cost=9.0, guardrails={"minMargin": 0.5, "maxChangeFraction": 0.1})]},
     "skus[1].guardrails.max_change_fraction"),
    ({"skus": [sku("x", guardrails={"maxChangeFraction": 1.5})]}, "skus[0].guardrails.max_change_fraction"),
    ({"skus": [sku("x"), sku("x")]}, "skus[1].sku_id"),
    ({"skus": []}, "skus"),
])
def test_bad_inputs_are_invalid_argument_naming_the_field(price_server, body, field):
    with pytest.raises(grpc.RpcError) as error:
        call(price_server, body)
    assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT, error.value.details()
    assert error.value.details().startswith(field), error.value.details()
    price_server.assert_alive()


def test_versions_can_be_pinned(price_server):
    assert call(price_server, {"skus": [sku("v")], "modelVersion": "1"})["modelVersion"] == "1"
    with pytest.raises(grpc.RpcError) as error:
        call(price_server, {"skus": [sku("v")], "modelVersion": "999"})
    assert error.value.code() == grpc.StatusCode.NOT_FOUND


def test_a_thousand_sku_batch_is_answered_within_its_guardrails(price_server):
    rng = random.Random(8)
    skus = []
    for i in range(1000):
        price = round(math.exp(rng.uniform(0, 5)), 2)
        cost = round(price * rng.uniform(0.2, 1.0), 2)
        guardrails = {"minMargin": 0.05, "maxChangeFraction": rng.choice([0.0, 0.05, 0.1]),
                      "floorPrice": round(price * 0.5, 2), "ceilingPrice": round(price * rng.uniform(1.0, 1.2), 2)}
        if price < cost * 1.05:  # keep the rules satisfiable
            guardrails["maxChangeFraction"] = 1.0
            guardrails["ceilingPrice"] = max(guardrails["ceilingPrice"], round(cost * 1.06 + 0.01, 2))
        skus.append(sku(f"bulk-{i}", price=price, cost=cost, inventoryUnits=rng.randint(0, 5000),
                        daysToSeasonEnd=rng.randint(0, 120),
                        recentDailySales=[round(rng.uniform(0, 30), 1) for _ in range(rng.randint(0, 20))],
                        guardrails=guardrails))
    response = call(price_server, {"skus": skus}, timeout=60)
    suggestions = response["suggestions"]
    assert [s["skuId"] for s in suggestions] == [s["skuId"] for s in skus]
    assert len({s["decisionId"] for s in suggestions}) == 1000
    for request_sku, s in zip(skus, suggestions):
        g, p, c, final = request_sku["guardrails"], request_sku["currentPrice"], request_sku["unitCost"], s["suggestedPrice"]
        slack = 1e-6 * max(final, 1)
        assert final >= c * (1 + g["minMargin"]) - slack, s
        assert abs(final - p) <= g["maxChangeFraction"] * p + slack, s
        assert g["floorPrice"] - slack <= final <= g["ceilingPrice"] + slack, s
        if s["guardrailsApplied"] == []:
            assert s["finalAction"] == s["modelAction"]
    bound = sum(1 for s in suggestions if s["guardrailsApplied"])
    assert bound > 0  # zero-change rules alone make some bind


def test_shadow_mode_from_config_cannot_be_switched_off_by_a_request(tmp_path):
    """config.json `architecture.shadow_mode: true` makes every call shadow, whatever the request says."""
    import shutil
    version = tmp_path / "models" / "price" / "1"
    shutil.copytree(PACKAGE_ROOT / "models" / "price" / "1", version)
    config = json.loads((version / "config.json").read_text())
    config["architecture"]["shadow_mode"] = True
    (version / "config.json").write_text(json.dumps(config))
    audit = tmp_path / "audit.jsonl"
    process = ServerProcess("--models", str(tmp_path / "models"), "--price-audit-log", str(audit))
    try:
        process.audit_path = audit
        process.request_class, process.response_class = _message_classes(process)
        skus = [sku("cfg-1", price=10.0, cost=2.0), sku("cfg-2", price=10.0, cost=9.9)]
        response = call(process, {"skus": skus, "shadowMode": False})
        assert response["shadowMode"] is True
        assert [s["suggestedPrice"] for s in response["suggestions"]] == [10.0, 10.0]
        records = audit_records(process, [s["decisionId"] for s in response["suggestions"]])
        assert all(r["shadow_mode"] for r in records.values()) and len(records) == 2
    finally:
        process.kill()
