"""A selling-season market per SKU, built from the fitted elasticities (vectorised over episodes).

Each episode is one SKU over one season of T days (30..90). Its own-price and cross-price
elasticities are a fitted archetype (demand_fit.sku_archetypes) times log-normal noise (σ 0.15).
Daily demand at price p, competitor price q, d days before the season ends:
    λ = b · season(d) · (p / p_ref)^e_own · (q / p_ref)^e_cross,   season(d) = 0.5 + 0.5 · d / T
    demand = λ · ε,  ε log-normal (σ 0.25, mean 1);   sales = min(demand, inventory)
The competitor's price is an AR(1) walk around p_ref with occasional 7-day promotions (−15%).
Inventory is bought before the season (cover 0.4..1.8 of the season's demand at p_ref); what is
left at the end is salvaged at 30% of cost. Exogenous randomness (parameters, competitor path,
noise) is drawn up front from the seed, so every policy faces the same market (common random
numbers).

Profit (what the evaluation sums): Σ (p − c)·sales − 0.7·c·leftover.
Reward (what the Q-network learns), in units of p_ref·b (one day's revenue at reference):
    r = [(p − c)·sales + w·p_ref·sales − stability·p_ref·b·|Δp|/p_prev] / (p_ref·b), minus the
    salvage loss on the last day.
"""
import numpy as np

from . import features, guardrails

MAX_DAYS = 90
SALVAGE_FRACTION = 0.3
UNITS_WEIGHT = 0.02
STABILITY_PENALTY = 0.2
HISTORY_DAYS = features.SALES_WINDOW


class Market:
    """`n` independent SKU seasons; step() advances all active ones by one day."""

    def __init__(self, archetypes, n: int, seed: int):
        rng = np.random.default_rng(seed)
        self.n = n
        pick = rng.integers(0, len(archetypes), n)
        own = np.array([a["own_elasticity"] for a in archetypes])[pick]
        cross = np.array([a["cross_elasticity"] for a in archetypes])[pick]
        self.e_own = own * np.exp(rng.normal(0, 0.15, n))
        self.e_cross = cross * np.exp(rng.normal(0, 0.15, n))
        self.p_ref = np.exp(rng.uniform(np.log(1.0), np.log(50.0), n))
        self.cost = self.p_ref * rng.uniform(0.3, 0.75, n)
        self.base = np.exp(rng.uniform(np.log(2.0), np.log(40.0), n))
        self.season_days = rng.integers(30, MAX_DAYS + 1, n)
        self.guardrails = dict(min_margin=0.0, max_change=0.10, floor=0.5 * self.p_ref, ceiling=2.0 * self.p_ref)
        # Exogenous paths.
        z = np.zeros((n, MAX_DAYS + 1))
        promo_left = np.zeros(n)
        shocks = rng.normal(0, 0.03, (n, MAX_DAYS + 1))
        promo_start = rng.random((n, MAX_DAYS + 1)) < 0.04
        z[:, 0] = rng.normal(0, 0.08, n)
        walk = z[:, 0].copy()
        for t in range(1, MAX_DAYS + 1):
            walk = 0.9 * walk + shocks[:, t]
            promo_left = np.where((promo_left <= 0) & promo_start[:, t], 7, promo_left - 1)
            z[:, t] = walk + np.where(promo_left > 0, np.log(0.85), 0.0)
        self.competitor_path = self.p_ref[:, None] * np.exp(z)
        self.noise = np.exp(rng.normal(0, 0.25, (n, MAX_DAYS + HISTORY_DAYS)) - 0.25 ** 2 / 2)
        # Initial state.
        self.price = self.p_ref * np.exp(rng.uniform(-0.25, 0.25, n))
        season_mean = 0.75  # mean of season(d) over the season
        cover = np.exp(rng.uniform(np.log(0.4), np.log(1.8), n))
        self.inventory = np.round(cover * self.base * season_mean * self.season_days)
        self.day = np.zeros(n, dtype=np.int64)
        start_rate = self.expected_demand(self.price)
        self.history = start_rate[:, None] * self.noise[:, MAX_DAYS:MAX_DAYS + HISTORY_DAYS]
        self.total_profit = np.zeros(n)

    @property
    def active(self) -> np.ndarray:
        return self.day < self.season_days

    @property
    def days_left(self) -> np.ndarray:
        return np.maximum(self.season_days - 1 - self.day, 0)

    def competitor(self) -> np.ndarray:
        return self.competitor_path[np.arange(self.n), np.minimum(self.day, MAX_DAYS)]

    def expected_demand(self, price) -> np.ndarray:
        """λ at `price` today (the demand model, without noise or the inventory cap)."""
        season = 0.5 + 0.5 * self.days_left / self.season_days
        return (self.base * season * (price / self.p_ref) ** self.e_own
                * (self.competitor() / self.p_ref) ** self.e_cross)

    def observe(self) -> np.ndarray:
        """The Q-network's features (features.build_batch) for every episode."""
        return features.build_batch(self.price, self.cost, self.competitor(), self.inventory,
                                    self.days_left.astype(float), self.history, self.e_own)

    def bounds(self):
        """The episode's guardrail interval at today's price."""
        return guardrails.interval(self.price, self.cost, **self.guardrails)

    def step(self, new_price):
        """Sells one day at `new_price` (already guardrailed) for the active episodes.
        Returns (reward [n], profit [n], done [n]); inactive episodes get zeros."""
        active = self.active
        rows = np.arange(self.n)
        demand = self.expected_demand(new_price) * self.noise[rows, np.minimum(self.day, MAX_DAYS - 1)]
        sales = np.where(active, np.minimum(demand, self.inventory), 0.0)
        profit = (new_price - self.cost) * sales
        scale = self.p_ref * self.base
        change = np.abs(new_price - self.price) / self.price
        reward = (profit + UNITS_WEIGHT * self.p_ref * sales) / scale - STABILITY_PENALTY * change
        self.inventory = self.inventory - sales
        last = active & (self.day == self.season_days - 1)
        leftover_loss = (1 - SALVAGE_FRACTION) * self.cost * self.inventory
        profit = np.where(last, profit - leftover_loss, profit)
        reward = np.where(last, reward - leftover_loss / scale, reward)
        reward = np.where(active, reward, 0.0)
        profit = np.where(active, profit, 0.0)
        self.total_profit += profit
        self.history = np.where(active[:, None], np.concatenate([sales[:, None], self.history[:, :-1]], axis=1),
                                self.history)
        self.price = np.where(active, new_price, self.price)
        self.day = np.where(active, self.day + 1, self.day)
        return reward, profit, last
