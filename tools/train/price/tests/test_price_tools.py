"""Fast checks of the price training tools (no training run): the two feature builders agree, the
guardrail twin behaves like the Swift one, the logit fit recovers known coefficients, the
simulator is reproducible."""
import numpy as np
import pytest

from train.price import demand_fit, features, guardrails
from train.price.simulator import Market

ARCHETYPES = [{"own_elasticity": -2.5, "cross_elasticity": 1.0}, {"own_elasticity": -4.0, "cross_elasticity": 2.0}]


def test_scalar_and_batch_features_agree():
    rng = np.random.default_rng(3)
    n = 200
    price = np.exp(rng.uniform(-1, 4, n))
    cost = price * rng.uniform(0, 1.5, n)
    competitor = np.where(rng.random(n) < 0.2, 0.0, price * np.exp(rng.normal(0, 0.5, n)))
    inventory = rng.integers(0, 5000, n).astype(float)
    days = rng.integers(0, 200, n).astype(float)
    history = rng.gamma(2, 5, (n, features.SALES_WINDOW))
    elasticity = rng.uniform(-6, -0.5, n)
    batch = features.build_batch(price, cost, competitor, inventory, days, history, elasticity)
    for i in range(n):
        row = np.array(features.build(price[i], cost[i], competitor[i], inventory[i], days[i], list(history[i]),
                                      elasticity[i]), np.float32)
        np.testing.assert_allclose(batch[i], row, rtol=1e-6, atol=1e-6)


def test_features_without_history_are_neutral():
    row = features.build(10.0, 0.0, 0.0, 0, 0, [], -2.0)
    assert row[0] == pytest.approx(np.log(100.0)) and row[1] == 0.0 and row[4] == 0.0 and row[5] == 0.5


def test_guardrail_twin():
    price, cost = np.array([10.0, 10.0, 10.0]), np.array([5.0, 5.0, 5.0])
    lo, hi = guardrails.interval(price, cost, max_change=0.1, ceiling=np.array([100.0, 10.2, 10.9]),
                                 floor=np.array([1.0, 1.0, 10.7]))
    values = np.tile(np.arange(5.0), (3, 1))  # +10% is best, then +5%, keep, ...
    action, new_price = guardrails.apply(values, price, lo, hi)
    assert list(action) == [4, 2, -1]
    assert new_price == pytest.approx([11.0, 10.0, 10.7])  # the third is clamped up to the floor
    assert guardrails.violations(new_price, lo, hi) == 0


def test_logit_fit_recovers_a_known_price_coefficient():
    rng = np.random.default_rng(5)
    n, beta = 4000, -3.0
    log_price = np.log(rng.uniform(1, 3, (n, 3)))
    utility = np.array([0.0, 0.3, -0.2]) + beta * log_price + rng.gumbel(size=(n, 3))
    panel = demand_fit.ChoicePanel("synthetic", ["a", "b", "c"], log_price, np.zeros((n, 3)), np.zeros((n, 3)),
                                   np.argmax(utility, axis=1))
    fit = demand_fit.fit(panel)
    estimate = fit.parameters[fit.parameter_names.index("ln_price")]
    se = fit.standard_errors[fit.parameter_names.index("ln_price")]
    assert abs(estimate - beta) < 4 * se
    assert 0 < fit.pseudo_r2 < 1
    assert np.all(fit.own_elasticity < 0)


def test_simulator_is_reproducible_and_keeps_inventory_non_negative():
    profits = []
    for _ in range(2):
        market = Market(ARCHETYPES, 16, seed=11)
        while market.active.any():
            market.step(market.price.copy())
            assert np.all(market.inventory >= 0)
        profits.append(market.total_profit.copy())
    np.testing.assert_array_equal(profits[0], profits[1])
