"""Outcomes compared: the policy question "adoption, a permanence order or going home?".

For one start step, one row per outcome reachable from it, answering three questions:

- **How long at the least, by law?** The smallest statutory floor over the outcome's
  routes (:attr:`explorer.analysis.routes.Route.statutory_floor_days`) and the route that
  has it, named by what distinguishes it.
- **How long in practice?** That route's likely days, and the simulated p10 / median /
  p90 days of every journey from the start that ends at the outcome, with its share.
- **Where does drift happen?** Hearings, court stages and steps with no time limit on
  that route.

Routes are counted exactly but only the first ``limit`` of each outcome are measured;
``complete`` says whether the smallest floor was taken over all of them (when not, the
page says the true minimum may be lower: never silently wrong).

Routes are **named** by the choices that set them apart from the other routes to the
same outcome (:func:`route_names`): "via Permanence order with authority to adopt".

>>> from explorer.analysis.synthetic import diamond_graph
>>> G = diamond_graph()
>>> rows = outcome_rows(G, "s")
>>> [(r.outcome, r.floor_days, r.route_name) for r in rows]
[('end', 0.0, 'via a')]
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import networkx as nx
import pandas as pd

from explorer.analysis.routes import Route, routes
from explorer.analysis.simulate import OutcomeChange, Simulation
from explorer.graph import dag
from explorer.model.problems import FlowError

#: Routes measured per outcome (all are counted; the floor is the least of these).
OUTCOME_ROUTE_LIMIT = 1000
#: Choices named in a route's name: the last ones before the outcome, which set the
#: routes to one outcome apart most (earlier ones are counted, not named).
NAMED_CHOICES = 2


def _is_end(G: nx.DiGraph, n: str) -> bool:
    return G.nodes[n].get("kind") == "outcome" or not any(
        not r for _, _, r in G.out_edges(n, data="repeat"))


def reachable_ends(G: nx.DiGraph, source: str) -> list[str]:
    """The ends reachable from ``source`` without repeat edges, in reading order."""
    if source not in G:
        return []
    D = dag(G)
    reach = nx.descendants(D, source)
    try:
        order = list(nx.topological_sort(D))
    except nx.NetworkXUnfeasible:  # an invalid flow: the checks report it
        order = sorted(map(str, G.nodes))
    return [n for n in order if n in reach and _is_end(G, n)]


def choice_words(G: nx.DiGraph, u: str, v: str) -> str:
    """A choice as a reader says it: the transition's label, else the step it leads to."""
    label = G.edges[u, v].get("label") if G.has_edge(u, v) else None
    return str(label or G.nodes[v].get("name") or v) if v in G else str(label or v)


def route_names(G: nx.DiGraph, rs: Sequence[Route]) -> list[str]:
    """Each route named by its choices that not every other route makes.

    A choice every listed route makes names nothing; a route whose choices are all
    shared is "the most direct route". Names that would still clash get a number.

    >>> from explorer.analysis.synthetic import diamond_graph
    >>> from explorer.analysis.routes import routes
    >>> G = diamond_graph()
    >>> route_names(G, routes(G, "s", "end").routes)
    ['via a', 'via b']
    """
    if not rs:
        return []
    shared = set(rs[0].choices).intersection(*(set(r.choices) for r in rs[1:]))
    names = []
    for r in rs:
        own = [c for c in r.choices if c not in shared and len(_succ(G, c[0])) > 1]
        words = list(dict.fromkeys(choice_words(G, u, v) for u, v in own))
        if not words:
            names.append("the most direct route" if len(rs) > 1 else "the only route")
            continue
        name = "via " + "; ".join(words[-NAMED_CHOICES:])
        if len(words) > NAMED_CHOICES:
            name += f" (and {len(words) - NAMED_CHOICES} earlier choice(s))"
        names.append(name)
    seen = Counter(names)
    counter: Counter[str] = Counter()
    out = []
    for n in names:
        if seen[n] > 1:
            counter[n] += 1
            out.append(f"{n} ({counter[n]})")
        else:
            out.append(n)
    return out


def _succ(G: nx.DiGraph, u: str) -> list[str]:
    return [v for v in G.successors(u) if not G.edges[u, v].get("repeat")]


@dataclass(frozen=True)
class OutcomeRow:
    """One outcome reachable from the start, with the figures of the three questions."""

    outcome: str
    name: str
    routes_counted: int
    routes_measured: int
    #: True when every route was measured, so ``floor_days`` is the exact minimum.
    complete: bool
    floor_days: float
    route_name: str
    route_number: int
    likely_days: float
    share: float | None
    p10_days: float | None
    median_days: float | None
    p90_days: float | None
    hearings: int
    court_stages: int
    unbounded_steps: tuple[str, ...]


def outcome_rows(G: nx.DiGraph, source: str, sim: Simulation | None = None, *,
                 limit: int = OUTCOME_ROUTE_LIMIT) -> list[OutcomeRow]:
    """One row per end reachable from ``source``, sorted by statutory floor then name.

    ``sim`` (a simulation from ``source``) gives each end's share and percentiles; without
    it they are None. The route of a row is the one with the smallest floor (ties: the
    smaller likely time, then the earlier listed).
    """
    out = []
    for end in reachable_ends(G, source):
        try:
            rs = routes(G, source, end, limit=limit)
        except FlowError:
            continue
        if not rs.routes:
            continue
        names = route_names(G, rs.routes)
        i = min(range(len(rs.routes)),
                key=lambda k: (rs.routes[k].statutory_floor_days, rs.routes[k].likely_days, k))
        r = rs.routes[i]
        stats = sim.outcomes.get(end) if sim is not None else None
        out.append(OutcomeRow(
            outcome=end, name=str(G.nodes[end].get("name") or end),
            routes_counted=rs.count, routes_measured=len(rs.routes),
            complete=not rs.truncated, floor_days=r.statutory_floor_days,
            route_name=names[i], route_number=i + 1, likely_days=r.likely_days,
            share=stats.share if stats else (0.0 if sim is not None else None),
            p10_days=stats.p10_days if stats else None,
            median_days=stats.median_days if stats else None,
            p90_days=stats.p90_days if stats else None, hearings=r.hearings,
            court_stages=r.court_stages, unbounded_steps=r.unbounded_steps))
    return sorted(out, key=lambda row: (row.floor_days, row.name.casefold()))


def whole_days(x: float | None) -> int | None:
    """Days as a reader counts them: whole days (a floor of 365.2 is 365 days).

    >>> whole_days(365.2), whole_days(0.6), whole_days(None)
    (365, 1, None)
    """
    return None if x is None else round(float(x))


def law_frame(rows: Sequence[OutcomeRow]) -> pd.DataFrame:
    """How long at the least, by law: one row per outcome."""
    return pd.DataFrame([{
        "Outcome": r.name, "Minimum by law (days)": whole_days(r.floor_days),
        "On the route": r.route_name,
        "Routes": (f"{r.routes_counted:,}" if r.complete
                   else f"first {r.routes_measured:,} of {r.routes_counted:,}"),
    } for r in rows], columns=["Outcome", "Minimum by law (days)", "On the route", "Routes"])


def practice_frame(rows: Sequence[OutcomeRow]) -> pd.DataFrame:
    """How long in practice: one row per outcome."""
    return pd.DataFrame([{
        "Outcome": r.name,
        "Share of journeys": None if r.share is None else round(100 * r.share, 1),
        "Simulated p10 (days)": whole_days(r.p10_days),
        "Simulated median (days)": whole_days(r.median_days),
        "Simulated p90 (days)": whole_days(r.p90_days),
        "Likely on the quickest lawful route (days)": whole_days(r.likely_days),
    } for r in rows], columns=["Outcome", "Share of journeys", "Simulated p10 (days)",
                               "Simulated median (days)", "Simulated p90 (days)",
                               "Likely on the quickest lawful route (days)"])


def drift_frame(rows: Sequence[OutcomeRow], names: Mapping[str, str]) -> pd.DataFrame:
    """Where drift can happen: one row per outcome, on its quickest lawful route."""
    return pd.DataFrame([{
        "Outcome": r.name, "Steps with no time limit": len(r.unbounded_steps),
        "Hearings": r.hearings, "Court stages": r.court_stages,
        "Which steps have no time limit": "; ".join(names.get(s, s) for s in r.unbounded_steps),
    } for r in rows], columns=["Outcome", "Steps with no time limit", "Hearings",
                               "Court stages", "Which steps have no time limit"])


# -- what-if: why an outcome moved ------------------------------------------------------


def change_arrow(delta: float, *, digits: int = 1) -> str | None:
    """A metric's delta as shown: None (no arrow at all) when it rounds to zero.

    >>> change_arrow(0.04), change_arrow(-4.12)
    (None, '-4.1')
    """
    rounded = round(delta, digits)
    if rounded == 0:
        return None
    return f"{rounded:+.{digits}f}"


@dataclass(frozen=True)
class ShareMove:
    """At one decision, an exit's share before and after a what-if, and where it leads."""

    decision: str
    exit: str
    before: float
    after: float
    #: The chance of ending at the outcome asked about, from this exit.
    outcome_chance: float


def share_moves(G: nx.DiGraph, shares: Mapping[str, Mapping[str, float]],
                outcome: str) -> list[ShareMove]:
    """Each exit whose share a what-if changes, with the chance of ``outcome`` from it.

    What-if shares given for some exits only leave the others' shares at zero (as
    :func:`explorer.analysis.simulate.apply_overrides` does).
    """
    from explorer.analysis.reach import exit_weights, outcome_probabilities

    out = []
    for u, given in shares.items():
        if u not in G:
            continue
        exits = _succ(G, u)
        before = dict(zip(exits, exit_weights(G, u, exits), strict=True))
        total = sum(max(given.get(v, 0.0), 0.0) for v in exits) or 1.0
        for v in exits:
            after = max(given.get(v, 0.0), 0.0) / total
            if abs(after - before[v]) < 1e-9:
                continue
            chance = outcome_probabilities(G, v).get(outcome, 0.0)
            out.append(ShareMove(u, v, before[v], after, chance))
    return out


def explain_change(G: nx.DiGraph, shares: Mapping[str, Mapping[str, float]],
                   change: OutcomeChange) -> list[str]:
    """Plain sentences on why an outcome's share moved under changed decision shares.

    For each decision the what-if changes: which exits gained and lost journeys, and how
    often each leads to the outcome. An outcome rises when journeys move to an exit from
    which it is more likely, even if the change was meant to help another outcome.
    """
    name = str(G.nodes[change.outcome].get("name", change.outcome)) \
        if change.outcome in G else change.outcome
    out = []
    by_decision: dict[str, list[ShareMove]] = {}
    for m in share_moves(G, shares, change.outcome):
        by_decision.setdefault(m.decision, []).append(m)
    for u, moves in by_decision.items():
        gained = [m for m in moves if m.after > m.before]
        lost = [m for m in moves if m.after < m.before]
        if not gained or not lost:
            continue
        d_name = str(G.nodes[u].get("name", u))
        g_text = "; ".join(f"{choice_words(G, u, m.exit)} ({m.before:.0%} → {m.after:.0%}, "
                           f"{m.outcome_chance:.0%} of them end in {name})" for m in gained)
        l_text = "; ".join(f"{choice_words(G, u, m.exit)} ({m.before:.0%} → {m.after:.0%}, "
                           f"{m.outcome_chance:.0%} end in {name})" for m in lost)
        g_avg = sum(m.outcome_chance for m in gained) / len(gained)
        l_avg = sum((m.before - m.after) * m.outcome_chance for m in lost) / max(
            sum(m.before - m.after for m in lost), 1e-9)
        direction = ("more" if g_avg > l_avg else "fewer" if g_avg < l_avg else "as many")
        out.append(f"At '{d_name}', journeys move to {g_text}, away from {l_text}: so "
                   f"{direction} journeys end in {name}.")
    return out
