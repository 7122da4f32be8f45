"""Parity fixtures exported with the model: fixed SKU states → feature vectors → Q-values.

Sources/ShopModels/Price tests read models/price/<v>/parity.json and check that the Swift feature
builder reproduces `features` (float32) and the INT8 network reproduces `q_int8` (within INT8
tolerance; `q_fp32` is there to judge that tolerance).
"""
import numpy as np

from . import features, qnetwork

# Edge cases first (no cost, unknown competitor, no / short / long history, season end, no stock),
# then ordinary SKUs.
CASES = [
    dict(price=12.99, unit_cost=7.5, competitor_price=12.49, inventory_units=340, days_to_season_end=45,
         recent_daily_sales=[8, 7, 9, 6, 8, 7, 7, 5, 6, 6, 5, 6, 5, 4]),
    dict(price=3.0, unit_cost=0.0, competitor_price=0.0, inventory_units=0, days_to_season_end=0,
         recent_daily_sales=[]),
    dict(price=100.0, unit_cost=99.0, competitor_price=250.0, inventory_units=5, days_to_season_end=200,
         recent_daily_sales=[3.5]),
    dict(price=0.5, unit_cost=2.0, competitor_price=0.1, inventory_units=100000, days_to_season_end=1,
         recent_daily_sales=[0, 0, 0]),
    dict(price=19.0, unit_cost=8.0, competitor_price=21.0, inventory_units=60, days_to_season_end=10,
         recent_daily_sales=[2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 32, 34, 36, 38, 40]),
    dict(price=7.25, unit_cost=5.0, competitor_price=6.0, inventory_units=1200, days_to_season_end=80,
         recent_daily_sales=[12.5, 11.0, 13.25, 10.0, 9.5]),
]


def _random_cases(count: int, seed: int = 12345):
    rng = np.random.default_rng(seed)
    cases = []
    for _ in range(count):
        price = float(np.round(np.exp(rng.uniform(0, 4)), 2))
        cases.append(dict(price=price, unit_cost=float(np.round(price * rng.uniform(0.2, 1.1), 2)),
                          competitor_price=float(np.round(price * np.exp(rng.normal(0, 0.2)), 2)),
                          inventory_units=int(rng.integers(0, 3000)), days_to_season_end=int(rng.integers(0, 100)),
                          recent_daily_sales=[float(np.round(v, 2)) for v in rng.gamma(2, 5, int(rng.integers(0, 30)))]))
    return cases


def fixtures(params, quantized, own_elasticity: float) -> dict:
    cases = CASES + _random_cases(14)
    rows = np.array([features.build(elasticity=own_elasticity, **case) for case in cases], np.float32)
    return {
        "feature_version": features.FEATURE_VERSION,
        "elasticity": own_elasticity,
        "cases": [dict(case, features=row.tolist(), q_int8=q8.tolist(), q_fp32=q32.tolist())
                  for case, row, q8, q32 in zip(cases, rows, qnetwork.forward_int8(quantized, rows),
                                                qnetwork.forward(params, rows))],
    }
