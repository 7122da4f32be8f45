"""Policies on held-out simulated seasons: keep-price, myopic greedy, FP32 and INT8 Q-networks.

Every policy faces the same markets (same seeds, common random numbers) and the same guardrails
(the market's: never below cost, at most ±10% a day, floor 0.5·p_ref, ceiling 2·p_ref); final prices
are checked against them (violations must be 0).
"""
import numpy as np

from . import guardrails
from .simulator import Market


def keep_price(market: Market) -> np.ndarray:
    values = np.zeros((market.n, 5))
    values[:, guardrails.KEEP_ACTION] = 1.0
    return values


def myopic_greedy(market: Market) -> np.ndarray:
    """Expected profit today of each action with the true demand model (no look-ahead)."""
    values = np.empty((market.n, 5))
    for a, multiplier in enumerate(guardrails.ACTION_MULTIPLIERS):
        price = market.price * multiplier
        units = np.minimum(market.expected_demand(price), market.inventory)
        values[:, a] = (price - market.cost) * units
    return values


def q_policy(q_function):
    return lambda market: q_function(market.observe())


def run(policy, archetypes, *, seeds, episodes: int) -> dict:
    """Total profit, guardrail bindings and violations of `policy` over the held-out seeds."""
    profit = bound = violations = decisions = 0
    for seed in seeds:
        market = Market(archetypes, episodes, seed=seed)
        while market.active.any():
            active = market.active
            lo, hi = market.bounds()
            values = policy(market)
            action, new_price = guardrails.apply(values, market.price, lo, hi)
            unconstrained = np.argmax(values, axis=1)
            bound += int(np.count_nonzero(active & (action != unconstrained)))
            violations += guardrails.violations(new_price[active], lo[active], hi[active])
            decisions += int(active.sum())
            market.step(new_price)
        profit += float(market.total_profit.sum())
    return {"profit": profit, "guardrail_bindings": bound, "violations": violations, "decisions": decisions}
