"""Each child's forecast: the likely dates of each outcome still possible, and the next
deadlines, from where the child is now.

For a child whose latest recorded step (at the as-of date) is ``s``, dated ``e`` days ago:

- the child has not yet left ``s``. The time ``D`` to leave it by exit ``c`` has the exit's
  PERT estimate; the chance of each exit is its share times ``P(D_c > e)``, renormalised
  (an exit that should have happened by now becomes less likely), and the time still to
  run is ``D_c - e`` drawn from the estimate conditioned on ``D_c > e``;
- from ``c`` on, journeys are simulated as :func:`explorer.analysis.simulate.simulate`
  does (decisions by shares, parallel tracks to their join, repeats), so with ``e = 0``
  the forecast is a direct simulation from ``s``;
- each outcome's probability is the share of journeys that end there; its P50 and P80
  dates are the as-of date plus the 50th and 80th percentiles of the days still to run,
  rounded up to whole days and at least one day (the step has not happened yet).

A child who has been at ``s`` longer than every exit's estimate allows is assumed to
move on now, and the forecast says so. At a ``parallel`` step (tracks pursued together)
the simulation runs from the step itself and keeps the journeys not yet ended by
``e`` days. The next statutory deadlines come from the tracker
(:mod:`explorer.cases.tracking`) on the child's recorded dates. The Gantt data shows the
recorded history, the time so far at the current step, the tracks running at once, and
each outcome's P50 and P80, on the calendar.

The simulations from each exit are shared by every child (:class:`Forecaster`), so a
thousand children cost little more than one.

>>> import pandas as pd
>>> from explorer.io.load import load_flows
>>> log = pd.DataFrame({"case_id": ["C1"], "step": ["permanence_recommendation"],
...     "date": pd.to_datetime(["2025-01-06"]), "row": [1]})
>>> fc = Forecaster(load_flows(), runs=2000).forecast(log, "C1", as_of=dt.date(2025, 2, 1))
>>> fc.current_step, fc.elapsed_days
('permanence_recommendation', 26)
>>> all(o.p50_date <= o.p80_date for o in fc.outcomes.values())
True
"""

from __future__ import annotations

import datetime as dt
import math
import zlib
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from explorer.analysis.prepare import estimate_of
from explorer.analysis.reach import exit_weights
from explorer.analysis.simulate import Simulation, simulate
from explorer.cases.mining import caseload_from_events, step_ranks
from explorer.cases.tracking import TrackingPlan, track_against, tracking_plan
from explorer.graph import dag, flow_graph
from explorer.graph.algorithms import closing_join
from explorer.model import Estimate
from explorer.model.flowset import FlowSet
from explorer.model.problems import FlowError

_GRID = 2049
#: Deadline statuses still to come (or overdue) for the next-deadlines list.
OPEN_STATUSES = ("overdue", "due_soon", "pending", "not_recorded")


class _Conditional:
    """An exit's duration, conditioned on having lasted ``e`` days already."""

    def __init__(self, est: Estimate | None, instant_section: bool = False) -> None:
        #: An instant transition into parallel tracks or an end: the time already spent
        #: says nothing about it, and the simulation of the tracks starts now.
        self.instant_section = instant_section
        self.a = est.min if est else 0.0
        self.b = est.max if est else 0.0
        self.x = np.linspace(self.a, self.b, _GRID)
        if est is not None and self.b > self.a:
            w = self.b - self.a
            al = 1 + 4 * (est.likely - self.a) / w
            be = 1 + 4 * (self.b - est.likely) / w
            u = np.linspace(0.0, 1.0, _GRID)
            pdf = u ** (al - 1) * (1 - u) ** (be - 1)
            cdf = np.concatenate([[0.0], np.cumsum((pdf[1:] + pdf[:-1]) / 2)])
            self.cdf = cdf / cdf[-1]
        else:
            self.cdf = np.ones(_GRID)

    def survival(self, e: float) -> float:
        """P(D > e)."""
        if self.instant_section:
            return 1.0
        if self.b <= self.a:
            return 1.0 if self.a > e else 0.0
        return float(1.0 - np.interp(e, self.x, self.cdf))

    def remaining(self, e: float, n: int, rng: np.random.Generator) -> np.ndarray:
        """``n`` draws of ``D - e`` given ``D > e`` (zeros when ``D > e`` is impossible)."""
        if self.instant_section:
            return np.zeros(n)
        if self.b <= self.a or self.survival(e) <= 0:
            return np.maximum(np.full(n, self.a - e), 0.0)
        lo = float(np.interp(e, self.x, self.cdf))
        u = rng.uniform(lo, 1.0, n)
        return np.maximum(np.interp(u, self.cdf, self.x) - e, 0.0)


@dataclass(frozen=True)
class OutcomeForecast:
    probability: float
    p50_days: int
    p80_days: int
    p50_date: dt.date
    p80_date: dt.date

    def as_dict(self) -> dict[str, Any]:
        return {"probability": round(self.probability, 4),
                "p50_date": self.p50_date.isoformat(), "p80_date": self.p80_date.isoformat(),
                "p50_days": self.p50_days, "p80_days": self.p80_days}


@dataclass
class Forecast:
    """One child's forecast at ``as_of`` (module docstring)."""

    case_id: str
    as_of: dt.date
    current_step: str | None
    current_since: dt.date | None
    elapsed_days: int
    outcomes: dict[str, OutcomeForecast]
    next_deadlines: list[dict[str, Any]]
    assumptions: list[str]
    history: pd.DataFrame
    gantt: pd.DataFrame
    reached_outcome: str | None = None
    runs: int = 0
    names: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"case_id": self.case_id, "as_of": self.as_of.isoformat(),
                "current_step": self.current_step,
                "current_step_name": self.names.get(self.current_step or "", None),
                "current_since": self.current_since.isoformat() if self.current_since
                else None,
                "elapsed_days": self.elapsed_days, "reached_outcome": self.reached_outcome,
                "runs": self.runs,
                "outcomes": {k: v.as_dict() for k, v in self.outcomes.items()},
                "next_deadlines": self.next_deadlines, "assumptions": self.assumptions}


def _date(v: Any) -> dt.date:
    return pd.Timestamp(v).date()


class Forecaster:
    """Forecasts against one flow, sharing the simulations from each step between
    children. ``runs`` journeys for each child (and for each shared simulation)."""

    def __init__(self, fs: FlowSet, flow_id: str = "permanence", *, runs: int = 4000,
                 seed: int = 1, plan: TrackingPlan | None = None) -> None:
        if flow_id not in fs.flows:
            raise FlowError(f"unknown flow '{flow_id}'")
        self.fs = fs
        self.flow_id = flow_id
        self.G = flow_graph(fs, flow_id)
        self.D = dag(self.G)
        self.runs = runs
        self.seed = seed
        self.ranks = step_ranks(fs)
        self.names = {n: d.get("name", n) for n, d in self.G.nodes(data=True)}
        self._plan = plan
        self._sims: dict[str, Simulation] = {}
        self._track_sims: dict[str, Simulation] = {}
        self._sections: dict[str, str | None] | None = None
        self._track_sims_inside: dict[str, set[str]] = {}
        self._exits: dict[str, tuple[list[str], np.ndarray, list[_Conditional]]] = {}

    @property
    def plan(self) -> TrackingPlan:
        if self._plan is None:
            self._plan = tracking_plan(self.fs)
        return self._plan

    def simulation(self, step: str) -> Simulation:
        """The shared simulation from ``step`` (the direct simulation of the tests)."""
        if step not in self._sims:
            self._sims[step] = simulate(self.G, step, runs=self.runs, seed=self.seed)
        return self._sims[step]

    def _exit_plan(self, v: str) -> tuple[list[str], np.ndarray, list[_Conditional]]:
        if v not in self._exits:
            G = self.G
            exits = [c for c in G.successors(v) if not G.edges[v, c].get("repeat")]
            weights = (np.asarray(exit_weights(G, v, exits), dtype=float)
                       if len(exits) > 1 else np.ones(len(exits)))
            conds = [_Conditional(estimate_of(G.edges[v, c])) for c in exits]
            self._exits[v] = (exits, weights, conds)
        return self._exits[v]

    def _branches(self, v: str, weight: float = 1.0, depth: int = 0
                  ) -> list[tuple[str, float, _Conditional]]:
        """The first transitions that take time on the way out of ``v``: (step they lead
        to, probability, duration). Instant transitions (no estimate, or 0 days: a
        decision taken at a review) are walked through by their shares, as the
        simulation walks them."""
        exits, weights, conds = self._exit_plan(v)
        total = float(weights.sum()) or 1.0
        out: list[tuple[str, float, _Conditional]] = []
        for c, w, cond in zip(exits, weights, conds, strict=True):
            share = weight * float(w) / total
            kind = self.G.nodes[c].get("kind")
            instant = cond.b <= 0
            if instant and depth < 20 and kind not in ("parallel", "outcome", "join") \
                    and self._exit_plan(c)[0]:
                out.extend(self._branches(c, share, depth + 1))
            elif instant:
                out.append((c, share, _Conditional(None, instant_section=True)))
            else:
                out.append((c, share, cond))
        return out

    # -- one child ---------------------------------------------------------------------

    def forecast(self, events: pd.DataFrame, case_id: str, *, as_of: dt.date,
                 deadlines: list[dict[str, Any]] | None = None) -> Forecast:
        """The forecast of ``case_id`` from its events in ``events`` at ``as_of``."""
        mine = events[(events["case_id"].astype(str) == str(case_id))]
        if mine.empty:
            raise FlowError(f"no events for case '{case_id}'")
        mine = mine[mine["date"] <= pd.Timestamp(as_of)]
        history = self._history(mine)
        local = history[history["step"].isin(self.G.nodes)
                        & ~history["step"].map(lambda s: bool(self.G.nodes[s].get("external"))
                                               if s in self.G else True)]
        assumptions: list[str] = []
        if deadlines is None:
            # The steps recorded anywhere in the log: one not dated for this child is still
            # to come (pending, overdue), not a column the records lack.
            deadlines = self.deadlines(mine, as_of=as_of,
                                       columns=set(events["step"])).get(str(case_id), [])
        if local.empty:
            assumptions.append(f"no step of the {self.flow_id} flow is recorded by "
                               f"{as_of:%d/%m/%Y}: nothing to forecast from")
            return Forecast(str(case_id), as_of, None, None, 0, {}, deadlines, assumptions,
                            history, pd.DataFrame(), names=self.names)
        last = local.iloc[-1]
        step, since = str(last["step"]), _date(last["date"])
        elapsed = (as_of - since).days
        if self.G.nodes[step].get("kind") == "outcome":
            reached = OutcomeForecast(1.0, 0, 0, since, since)
            return Forecast(str(case_id), as_of, step, since, elapsed, {step: reached},
                            deadlines,
                            [f"the child reached {self.names.get(step, step)} on "
                             f"{since:%d/%m/%Y}"], history,
                            self._gantt(history, step, since, as_of, {}), step, 0, self.names)
        rng = np.random.default_rng([self.seed, zlib.crc32(str(case_id).encode())])
        samples = self._remaining(step, elapsed, rng, assumptions)
        outcomes: dict[str, OutcomeForecast] = {}
        for o, days in samples.items():
            if days.size == 0:
                continue
            p50, p80 = np.percentile(days, [50, 80])
            d50, d80 = max(1, math.ceil(p50)), max(1, math.ceil(p80))
            outcomes[o] = OutcomeForecast(days.size / self.runs, d50, d80,
                                          as_of + dt.timedelta(days=d50),
                                          as_of + dt.timedelta(days=d80))
        outcomes = dict(sorted(outcomes.items(), key=lambda kv: (-kv[1].probability, kv[0])))
        gantt = self._gantt(history, step, since, as_of, outcomes)
        tracks = self._tracks(local, as_of, rng)
        if not tracks.empty:
            gantt = pd.concat([tracks, gantt], ignore_index=True)
        return Forecast(str(case_id), as_of, step, since, elapsed, outcomes, deadlines,
                        assumptions, history, gantt, None, self.runs, self.names)

    def _history(self, mine: pd.DataFrame) -> pd.DataFrame:
        n = len(self.ranks)
        rows = mine["row"].tolist() if "row" in mine else list(range(len(mine)))
        recs = sorted(zip(mine["date"].tolist(), (self.ranks.get(s, n) for s in mine["step"]),
                          rows, mine["step"].tolist(), strict=True))
        return pd.DataFrame({"step": [r[3] for r in recs],
                             "date": pd.to_datetime([r[0] for r in recs]),
                             "name": [self.names.get(r[3], r[3]) for r in recs]})

    def _remaining(self, step: str, elapsed: int, rng: np.random.Generator,
                   assumptions: list[str]) -> dict[str, np.ndarray]:
        """Days still to run to each end, for ``runs`` journeys in all."""
        n = self.runs
        G = self.G
        if G.nodes[step].get("kind") == "parallel":
            sim = self.simulation(step)
            going: dict[str, np.ndarray] = {}
            for o, t in sim.times.items():
                if o in sim.outcomes:
                    going[o] = t[t > elapsed] - elapsed
            kept = sum(v.size for v in going.values())
            if kept == 0:
                assumptions.append("every simulated journey from this step would have ended "
                                   "by now: the forecast assumes the tracks end now")
                return {o: np.zeros(sim.times[o].size) for o in sim.outcomes}
            # Rescale to n journeys so the probabilities are shares of those still going.
            return {o: rng.choice(v, size=round(v.size * n / kept)) if v.size else v
                    for o, v in going.items()}
        branches = self._branches(step)
        exits = [c for c, _, _ in branches]
        weights = np.array([w for _, w, _ in branches])
        conds = [cond for _, _, cond in branches]
        surv = np.array([c.survival(elapsed) for c in conds])
        p = weights * surv
        if p.sum() <= 0:
            assumptions.append(f"the child has been at {self.names.get(step, step)} for "
                               f"{elapsed} days, longer than any estimate of the step allows: "
                               "the forecast assumes the step ends now")
            p = weights.copy()
        p = p / p.sum()
        counts = rng.multinomial(n, p)
        out: dict[str, list[np.ndarray]] = {}
        for c, k, cond in zip(exits, counts, conds, strict=True):
            if k == 0:
                continue
            sim = self.simulation(c)
            ends = [o for o in sim.outcomes if sim.times.get(o) is not None
                    and sim.times[o].size]
            shares = np.array([sim.times[o].size / sim.runs for o in ends])
            rest = max(0.0, 1.0 - float(shares.sum()))
            split = rng.multinomial(int(k), [*shares, rest] if ends else [1.0])
            for o, m in zip(ends, split, strict=False):
                if m == 0:
                    continue
                t = rng.choice(sim.times[o], size=int(m))
                out.setdefault(o, []).append(t + cond.remaining(elapsed, int(m), rng))
        if elapsed > 0:
            assumptions.append(f"conditioned on {elapsed} day(s) already spent at "
                               f"{self.names.get(step, step)}")
        return {o: np.concatenate(v) for o, v in out.items()}

    def _gantt(self, history: pd.DataFrame, step: str, since: dt.date, as_of: dt.date,
               outcomes: dict[str, OutcomeForecast]) -> pd.DataFrame:
        rows: list[dict[str, Any]] = []
        dates = [_date(d) for d in history["date"]]
        for i, (name, d) in enumerate(zip(history["name"], dates, strict=True)):
            end = dates[i + 1] if i + 1 < len(dates) else d
            rows.append({"row": name, "start": d, "end": end, "part": "recorded",
                         "track": "recorded history"})
        if step and self.G.nodes[step].get("kind") != "outcome":
            rows.append({"row": self.names.get(step, step), "start": since, "end": as_of,
                         "part": "so far", "track": "now"})
        for o, f in outcomes.items():
            if f.probability < 0.01:
                continue
            label = f"{self.names.get(o, o)} ({f.probability:.0%})"
            rows.append({"row": label, "start": as_of, "end": f.p50_date,
                         "part": "to the likely date (P50)", "track": "forecast"})
            rows.append({"row": label, "start": f.p50_date, "end": f.p80_date,
                         "part": "P50 to P80", "track": "forecast"})
        return pd.DataFrame(rows, columns=["row", "start", "end", "part", "track"])

    def _tracks(self, local: pd.DataFrame, as_of: dt.date, rng: np.random.Generator
                ) -> pd.DataFrame:
        """Open parallel tracks (a parallel recorded, or reached, and its join not yet):
        one row a track, from its start to its forecast P50 and P80 ends."""
        G, D = self.G, self.D
        seen = set(local["step"])
        when = {str(s): _date(d) for s, d in zip(local["step"], local["date"], strict=True)}
        rows: list[dict[str, Any]] = []
        if self._sections is None:
            self._sections = {p: closing_join(D, p) for p, k in G.nodes(data="kind")
                              if k == "parallel"}
        for p, j in self._sections.items():
            if j is None or j in seen:
                continue
            inside = self._inside(p, j)
            if p not in seen and not (seen & inside):
                continue
            start = when.get(p) or min(when[s] for s in seen & inside)
            for c in G.successors(p):
                if G.edges[p, c].get("repeat"):
                    continue
                key = f"{c}->{j}"
                if key not in self._track_sims:
                    self._track_sims[key] = simulate(G, c, runs=min(self.runs, 2000),
                                                     seed=self.seed, record=[j])
                t = self._track_sims[key].times.get(j)
                if t is None or t.size == 0:
                    continue
                cond = _Conditional(estimate_of(G.edges[p, c]))
                total = t + cond.remaining(0, t.size, rng)
                p50, p80 = np.percentile(total, [50, 80])
                e50 = max(as_of + dt.timedelta(days=1), start + dt.timedelta(days=math.ceil(p50)))
                e80 = max(e50, start + dt.timedelta(days=math.ceil(p80)))
                label = f"track: {self.names.get(c, c)}"
                rows.append({"row": label, "start": start, "end": e50,
                             "part": "to the likely date (P50)", "track": self.names.get(p, p)})
                rows.append({"row": label, "start": e50, "end": e80, "part": "P50 to P80",
                             "track": self.names.get(p, p)})
        return pd.DataFrame(rows, columns=["row", "start", "end", "part", "track"])

    def _inside(self, p: str, j: str) -> set[str]:
        key = f"{p}->{j}"
        if key not in self._track_sims_inside:
            D = self.D
            self._track_sims_inside[key] = nx.descendants(D, p) - (nx.descendants(D, j) | {j})
        return self._track_sims_inside[key]

    # -- deadlines ---------------------------------------------------------------------

    def deadlines(self, events: pd.DataFrame, *, as_of: dt.date, limit: int = 5,
                  columns: Collection[str] = ()) -> dict[str, list[dict[str, Any]]]:
        """Each case's next open deadlines (overdue first, then by due date). ``columns``:
        steps the records hold (beyond those in ``events``), not yet dated for these cases."""
        known = {s.id for f in self.fs.flows.values() for s in f.steps}
        ev = events[events["step"].isin(known) & (events["date"] <= pd.Timestamp(as_of))]
        if ev.empty:
            return {}
        load = caseload_from_events(ev)
        extra = sorted(c for c in columns if c in known and c not in load.dates.columns)
        if extra:
            cols = [*load.dates.columns, *extra]
            load.dates = load.dates.reindex(columns=cols)
            # The masks get the new columns as False (not NaN): nothing is n/a or unread.
            for name in ("not_applicable", "bad_cells"):
                mask = getattr(load, name)
                if mask is not None:
                    setattr(load, name, mask.reindex(columns=cols, fill_value=False))
        plan = self.plan
        res = track_against(self.fs, load, as_of=as_of, plan=plan)
        it = res.items
        it = it[it["status"].astype(str).isin(OPEN_STATUSES)]
        out: dict[str, list[dict[str, Any]]] = {}
        if it.empty:
            return out
        first = {"overdue": 0, "due_soon": 1, "pending": 1, "not_recorded": 1}
        it = it.assign(_o=it["status"].astype(str).map(first)).sort_values(
            ["case_id", "_o", "due"])
        for rec in it.to_dict("records"):
            items = out.setdefault(str(rec["case_id"]), [])
            if len(items) >= limit:
                continue
            items.append({"from": str(rec["from"]), "to": str(rec["to"]),
                          "due": _date(rec["due"]).isoformat(),
                          "rule": str(rec["legal_basis"]), "kind": str(rec["kind"]),
                          "status": str(rec["status"]),
                          "to_name": self.names.get(str(rec["to"]), str(rec["to"]))})
        return out

    def forecast_all(self, events: pd.DataFrame, *, as_of: dt.date,
                     case_ids: list[str] | None = None) -> list[Forecast]:
        """Forecasts of many children (every case by default), sharing the tracker run."""
        ids = case_ids if case_ids is not None else [str(c) for c in pd.unique(
            events["case_id"])]
        dl = self.deadlines(events, as_of=as_of)
        by_case = {str(k): g for k, g in events.groupby(events["case_id"].astype(str))}
        return [self.forecast(by_case[c], c, as_of=as_of, deadlines=dl.get(c, []))
                for c in ids if c in by_case]


def forecast(fs: FlowSet, events: pd.DataFrame, case_id: str, *, as_of: dt.date,
             runs: int = 4000, seed: int = 1, flow_id: str = "permanence") -> Forecast:
    """One child's forecast (module docstring): a :class:`Forecaster` used once."""
    return Forecaster(fs, flow_id, runs=runs, seed=seed).forecast(events, case_id,
                                                                  as_of=as_of)


__all__ = ["Forecast", "Forecaster", "OutcomeForecast", "forecast"]
