"""THE feature vector of the price Q-network (version 1): one definition shared by training and serving.

Sources/ShopModels/Price/PriceFeatures.swift builds the same vector from a SkuState; the published
model carries this definition in config.json `architecture.features` and fixed input → vector →
Q-value fixtures in `parity.json`, which the Swift tests check. Change one side, change both, and bump
FEATURE_VERSION.

Inputs (price_service.proto SkuState): price p > 0, unit cost c >= 0, competitor price q (0 =
unknown = parity), inventory units I >= 0, days to season end d >= 0, recent daily sales s[0..]
(most recent first), and the model's own-price elasticity estimate e (< 0, from the demand fit).

| # | name                  | value                                                                 |
|---|-----------------------|-----------------------------------------------------------------------|
| 0 | log_price_over_cost   | clip(ln(p / max(c, 0.01 p)), -1, 5)                                   |
| 1 | log_competitor_ratio  | clip(ln(q / p), -1, 1); 0 when q = 0                                 |
| 2 | log_inventory_cover   | clip(ln((I + 1) / (r · (d + 1) + 1)), -4, 4), r = mean(s[0:W]) or 0   |
| 3 | season_remaining      | min(d, 120) / 120                                                     |
| 4 | sales_trend           | n = min(len(s), W); h = n // 2; a = mean(s[0:h]), b = mean(s[h:2h]);  |
|   |                       | (a − b) / (a + b) if h >= 1 and a + b > 0 else 0                      |
| 5 | elasticity            | clip(−e / 4, 0, 2)                                                    |

W = SALES_WINDOW = 14 days. All arithmetic in float64, the vector is rounded to float32 at the end.
"""
import math

FEATURE_VERSION = 1
SALES_WINDOW = 14
SEASON_SCALE_DAYS = 120
FEATURE_NAMES = ["log_price_over_cost", "log_competitor_ratio", "log_inventory_cover", "season_remaining",
                 "sales_trend", "elasticity"]
FEATURE_COUNT = len(FEATURE_NAMES)


def _clip(x: float, lo: float, hi: float) -> float:
    return min(max(x, lo), hi)


def mean_recent_sales(sales) -> float:
    """r: mean of the leading SALES_WINDOW days (0 without history)."""
    window = list(sales[:SALES_WINDOW])
    return sum(window) / len(window) if window else 0.0


def sales_trend(sales) -> float:
    window = list(sales[:SALES_WINDOW])
    half = len(window) // 2
    if half < 1:
        return 0.0
    recent = sum(window[:half]) / half
    older = sum(window[half:2 * half]) / half
    total = recent + older
    return (recent - older) / total if total > 0 else 0.0


def build(price: float, unit_cost: float, competitor_price: float, inventory_units: float,
          days_to_season_end: float, recent_daily_sales, elasticity: float) -> list:
    """The feature vector (python floats, to be stored as float32) for one SKU."""
    cost = max(unit_cost, 0.01 * price)
    rate = mean_recent_sales(recent_daily_sales)
    return [
        _clip(math.log(price / cost), -1.0, 5.0),
        _clip(math.log(competitor_price / price), -1.0, 1.0) if competitor_price > 0 else 0.0,
        _clip(math.log((inventory_units + 1.0) / (rate * (days_to_season_end + 1.0) + 1.0)), -4.0, 4.0),
        min(days_to_season_end, SEASON_SCALE_DAYS) / SEASON_SCALE_DAYS,
        sales_trend(recent_daily_sales),
        _clip(-elasticity / 4.0, 0.0, 2.0),
    ]


def build_batch(price, unit_cost, competitor_price, inventory_units, days_to_season_end, sales_history,
                elasticity):
    """Vectorised `build` for the simulator: numpy arrays [n] and sales history [n, >= SALES_WINDOW]
    (column 0 = most recent day, a full window always present). Same formulas, float32 result."""
    import numpy as np
    cost = np.maximum(unit_cost, 0.01 * price)
    window = sales_history[:, :SALES_WINDOW]
    rate = window.mean(axis=1)
    half = SALES_WINDOW // 2
    recent, older = window[:, :half].mean(axis=1), window[:, half:2 * half].mean(axis=1)
    total = recent + older
    trend = np.where(total > 0, (recent - older) / np.where(total > 0, total, 1.0), 0.0)
    competitor = np.where(competitor_price > 0, np.log(np.where(competitor_price > 0, competitor_price, 1.0) / price), 0.0)
    out = np.stack([
        np.clip(np.log(price / cost), -1.0, 5.0),
        np.clip(competitor, -1.0, 1.0),
        np.clip(np.log((inventory_units + 1.0) / (rate * (days_to_season_end + 1.0) + 1.0)), -4.0, 4.0),
        np.minimum(days_to_season_end, SEASON_SCALE_DAYS) / SEASON_SCALE_DAYS,
        trend,
        np.clip(-elasticity / 4.0, 0.0, 2.0),
    ], axis=1)
    return out.astype(np.float32)


def definition() -> dict:
    """The definition as config.json `architecture.features` records it."""
    return {"version": FEATURE_VERSION, "names": FEATURE_NAMES, "sales_window_days": SALES_WINDOW,
            "season_scale_days": SEASON_SCALE_DAYS, "doc": "tools/train/price/features.py"}
