"""Business guardrails applied after the network (the Python twin of PriceGuardrails.swift).

A guardrail set is (min_margin, max_change_fraction, floor_price, ceiling_price), each optional.
For a SKU at price p with unit cost c they define the feasible interval
    lo = max(c·(1 + min_margin), p·(1 − max_change), floor),  hi = min(p·(1 + max_change), ceiling)
and the final action is the best-valued action whose price lies in [lo, hi]; when none does, the
price is p clamped into [lo, hi]. An empty interval is an error (the service answers
INVALID_ARGUMENT).
"""
import numpy as np

ACTION_MULTIPLIERS = np.array([0.90, 0.95, 1.00, 1.05, 1.10])
KEEP_ACTION = 2
TOLERANCE = 1e-9  # relative slack for prices that sit exactly on a bound


def interval(price, cost, min_margin=None, max_change=None, floor=None, ceiling=None):
    """(lo, hi) arrays of the feasible price interval; rules given as None are absent."""
    lo = np.zeros_like(price)
    hi = np.full_like(price, np.inf)
    if min_margin is not None:
        lo = np.maximum(lo, cost * (1 + min_margin))
    if max_change is not None:
        lo = np.maximum(lo, price * (1 - max_change))
        hi = np.minimum(hi, price * (1 + max_change))
    if floor is not None:
        lo = np.maximum(lo, floor)
    if ceiling is not None:
        hi = np.minimum(hi, ceiling)
    return lo, hi


def allowed_mask(price, lo, hi):
    """[n, 5] booleans: which actions' prices satisfy every guardrail."""
    candidates = price[:, None] * ACTION_MULTIPLIERS[None, :]
    slack = TOLERANCE * np.maximum(candidates, 1.0)
    return (candidates >= lo[:, None] - slack) & (candidates <= hi[:, None] + slack)


def apply(values, price, lo, hi):
    """Best allowed action per row and the resulting price; rows with no allowed action get the
    current price clamped into [lo, hi] and action -1. Returns (action [n], new price [n])."""
    mask = allowed_mask(price, lo, hi)
    masked = np.where(mask, values, -np.inf)
    action = np.argmax(masked, axis=1)
    none = ~mask.any(axis=1)
    new_price = price * ACTION_MULTIPLIERS[action]
    new_price = np.where(none, np.clip(price, lo, hi), new_price)
    return np.where(none, -1, action), new_price


def violations(new_price, lo, hi) -> int:
    """How many final prices break a guardrail (must be 0)."""
    slack = TOLERANCE * np.maximum(new_price, 1.0)
    return int(np.count_nonzero((new_price < lo - slack) | (new_price > hi + slack)))
