"""DialogueService end to end: whole scripted conversations in Chinese and English through a
stock grpcio client against real shopserve processes serving the bundled models/dialogue, the
signed state (tampering, another user, another key) and two replicas continuing each other's
conversations (same SHOPSERVE_DIALOGUE_KEY)."""
import os

import grpc
import pytest
from google.protobuf.descriptor_pool import DescriptorPool
from google.protobuf.message_factory import GetMessageClass
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import ProtoReflectionDescriptorDatabase

from conftest import PACKAGE_ROOT, ServerProcess, raw_unary

MODELS = str(PACKAGE_ROOT / "models")
KEY = "integration-test-dialogue-key-0123456789"
# The committed (highest) version of models/dialogue, which the servers serve.
VERSION = str(max(int(p.name) for p in (PACKAGE_ROOT / "models" / "dialogue").iterdir() if p.name.isdigit()))
METHOD = "/shop.v1.DialogueService/Converse"


def start(key: str) -> ServerProcess:
    previous = os.environ.get("SHOPSERVE_DIALOGUE_KEY")
    os.environ["SHOPSERVE_DIALOGUE_KEY"] = key
    try:
        return ServerProcess("--models", MODELS)
    finally:
        if previous is None:
            os.environ.pop("SHOPSERVE_DIALOGUE_KEY")
        else:
            os.environ["SHOPSERVE_DIALOGUE_KEY"] = previous


@pytest.fixture(scope="module")
def replicas():
    """Two servers sharing the state key, and a third with another key."""
    servers = [start(KEY), start(KEY), start("some-other-key-abcdefghijklmnop")]
    yield servers
    for server in servers:
        server.assert_alive()
        server.kill()


class Client:
    """Converse through a stock grpcio channel; message classes come from server reflection."""

    def __init__(self, server: ServerProcess):
        self.channel = grpc.insecure_channel(server.target)
        grpc.channel_ready_future(self.channel).result(timeout=10)
        pool = DescriptorPool(ProtoReflectionDescriptorDatabase(self.channel))
        self.request_class = GetMessageClass(pool.FindMessageTypeByName("shop.v1.ConverseRequest"))
        self.response_class = GetMessageClass(pool.FindMessageTypeByName("shop.v1.ConverseResponse"))
        self.pool = pool

    def enum(self, enum_name: str, value: int) -> str:
        return self.pool.FindEnumTypeByName(f"shop.v1.{enum_name}").values_by_number[value].name

    def say(self, text: str, state: bytes = b"", user_id: str = "user-1", language: str = ""):
        request = self.request_class(text=text, state=state, user_id=user_id, language_code=language)
        answer = raw_unary(self.channel, METHOD)(request.SerializeToString(), timeout=30)
        return self.response_class.FromString(answer)

    def close(self):
        self.channel.close()


@pytest.fixture(scope="module")
def client(replicas):
    c = Client(replicas[0])
    yield c
    c.close()


def play(client, turns, user_id="user-1", language=""):
    """turns: [(text, expected next action, check(response) or None)]; returns the last response."""
    state, response = b"", None
    for number, (text, action, check) in enumerate(turns, start=1):
        response = client.say(text, state, user_id=user_id, language=language)
        summary = (f"turn {number} {text!r}: {client.enum('NextAction', response.next_action)} "
                   f"intent {client.enum('Intent', response.intent)} reply {response.reply_text!r}")
        assert client.enum("NextAction", response.next_action) == action, summary
        assert response.turn_count == number, summary
        assert response.state_status == (1 if number == 1 else 2), summary  # NEW, then CONTINUED
        assert response.model_version == VERSION, summary
        if check:
            check(response)
        state = response.state
    return response


def slots(response):
    return {slot.name: slot.normalized_value for slot in response.slots}


def test_stock_question_in_chinese_asks_for_colour_and_storage_then_names_the_warehouse(client):
    def asks_variant(r):
        assert r.requested_slot == "color" and "颜色和存储版本" in r.reply_text, r.reply_text
        assert r.language_code == "zh-CN"

    def answers(r):
        assert slots(r) == {"color": "black", "storage": "256GB"}, r.slots
        assert "上海仓" in r.reply_text and "发货" in r.reply_text, r.reply_text
        assert r.suggested_items[0].item_id == "phone-x1"

    play(client, [
        ("星耀X1手机多少钱?", "NEXT_ACTION_ANSWER", lambda r: slots(r) == {"product": "phone-x1"} or pytest.fail(str(r.slots))),
        ("这款手机有现货吗?", "NEXT_ACTION_ASK_SLOT", asks_variant),
        ("黑色,256G。", "NEXT_ACTION_ANSWER", answers),
    ])


def test_order_status_in_english_with_the_order_id_given_late(client):
    play(client, [
        ("where is my order", "NEXT_ACTION_ASK_SLOT", lambda r: r.requested_slot == "order_id" or pytest.fail(r.requested_slot)),
        ("order number 202405180001", "NEXT_ACTION_ANSWER",
         lambda r: ("shipped" in r.reply_text and "SF Express" in r.reply_text and r.language_code == "en") or pytest.fail(r.reply_text)),
    ])


def test_refund_is_handed_off_with_a_ticket(client):
    def ticket(r):
        assert client.enum("HandoffReason", r.handoff.reason) == "HANDOFF_REASON_HIGH_RISK_INTENT"
        assert client.enum("HandoffPriority", r.handoff.priority) == "HANDOFF_PRIORITY_HIGH"
        assert "我要退货" in r.handoff.ticket_summary and "return_refund" in r.handoff.ticket_summary

    play(client, [("我要退货", "NEXT_ACTION_HAND_OFF", ticket)])


def test_two_misunderstood_turns_are_handed_off(client):
    def ticket(r):
        assert client.enum("HandoffReason", r.handoff.reason) == "HANDOFF_REASON_REPEATED_MISUNDERSTANDING"

    play(client, [
        ("tell me a joke", "NEXT_ACTION_ANSWER", lambda r: client.enum("Intent", r.intent) == "INTENT_OUT_OF_SCOPE" or pytest.fail(r.reply_text)),
        ("what's the weather like", "NEXT_ACTION_HAND_OFF", ticket),
    ])


def test_an_angry_message_is_handed_off_urgently(client):
    def urgent(r):
        assert client.enum("SentimentLabel", r.sentiment.label) == "SENTIMENT_LABEL_NEGATIVE"
        assert client.enum("SentimentIntensity", r.sentiment.intensity) == "SENTIMENT_INTENSITY_HIGH"
        assert r.sentiment.score < -0.3
        assert client.enum("HandoffReason", r.handoff.reason) == "HANDOFF_REASON_NEGATIVE_SENTIMENT"
        assert client.enum("HandoffPriority", r.handoff.priority) == "HANDOFF_PRIORITY_URGENT"

    play(client, [("worst service ever!! I'm furious!!!", "NEXT_ACTION_HAND_OFF", urgent)], language="en")


def test_tampered_foreign_and_other_key_states_start_afresh(client, replicas):
    first = client.say("how much is the Nova S9 phone", user_id="alice")
    assert first.state_status == 1 and first.turn_count == 1
    tampered = bytearray(first.state)
    tampered[len(tampered) // 2] ^= 0x40
    for state, user in ((bytes(tampered), "alice"), (first.state, "mallory"), (b"garbage", "alice")):
        r = client.say("is it in stock", state, user_id=user)
        assert client.enum("StateStatus", r.state_status) == "STATE_STATUS_RESET_INVALID", (user, r)
        assert r.turn_count == 1
        assert "Nova S9" not in r.reply_text and "phone-s9" not in [s.normalized_value for s in r.slots]
    assert "dialogue state refused" in replicas[0].log
    other = Client(replicas[2])
    try:
        r = other.say("is it in stock", first.state, user_id="alice")
        assert other.enum("StateStatus", r.state_status) == "STATE_STATUS_RESET_INVALID"
    finally:
        other.close()


def test_two_replicas_continue_each_others_conversations(replicas):
    a, b = Client(replicas[0]), Client(replicas[1])
    try:
        r1 = a.say("我想买星耀X1手机,有货吗", user_id="bob")
        assert r1.turn_count == 1 and a.enum("NextAction", r1.next_action) == "NEXT_ACTION_ASK_SLOT", r1.reply_text
        r2 = b.say("黑色,256G", r1.state, user_id="bob")
        assert b.enum("StateStatus", r2.state_status) == "STATE_STATUS_CONTINUED"
        assert r2.turn_count == 2 and "上海仓" in r2.reply_text, r2.reply_text
        r3 = a.say("谢谢", r2.state, user_id="bob")
        assert r3.turn_count == 3 and a.enum("StateStatus", r3.state_status) == "STATE_STATUS_CONTINUED"
    finally:
        a.close()
        b.close()


def test_invalid_requests_are_refused(client):
    for request in (client.request_class(text=" "), client.request_class(text="x" * 2001), client.request_class(text="hi", state=b"s" * 16385)):
        with pytest.raises(grpc.RpcError) as error:
            raw_unary(client.channel, METHOD)(request.SerializeToString(), timeout=10)
        assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT


def test_the_dialogue_service_is_serving_with_its_model(replicas):
    from grpc_health.v1 import health_pb2, health_pb2_grpc
    with grpc.insecure_channel(replicas[0].target) as channel:
        status = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(service="shop.v1.DialogueService"), timeout=5)
        assert status.status == health_pb2.HealthCheckResponse.SERVING


def test_concurrent_turns_batch_together_and_match_single_answers(client):
    """Many turns in flight at once share batches; each answer equals the one it gets alone."""
    texts = ["星耀X1手机多少钱?", "where is my order", "转人工", "我要退货", "tell me a joke", "hi", "运费多少", "any coupons"] * 4
    alone = {text: client.say(text) for text in set(texts)}
    call = raw_unary(client.channel, METHOD)
    futures = [call.future(client.request_class(text=text, user_id="user-1").SerializeToString(), timeout=30) for text in texts]
    for text, future in zip(texts, futures):
        answer = client.response_class.FromString(future.result())
        assert (answer.intent, answer.next_action, answer.reply_text) == \
               (alone[text].intent, alone[text].next_action, alone[text].reply_text), text
        assert abs(answer.intent_confidence - alone[text].intent_confidence) < 1e-6, text
