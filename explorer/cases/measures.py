"""PACE measures from an event log: milestone intervals, aims, run charts, Anhøj's rules.

The Permanence and Care Excellence programme (PACE, 2014-2020) tracked five milestones
for every child and plotted the intervals between them month by month:

1. becomes looked after (``looked_after``);
2. a looked-after review recommends permanence away from home
   (``permanence_recommendation``);
3. the agency decision maker's decision (``adm_decision``);
4. the application lodged in court (``po_application`` or ``adoption_petition``,
   whichever is first: the milestone ``court_application``);
5. the final order (``po_granted``, ``poaa_granted`` or ``adoption_order``, whichever is
   first: the milestone ``final_order``).

Input is the event log of :mod:`explorer.cases.events`: a DataFrame with columns
``case_id`` (str), ``step`` (str), ``date`` (datetime64, a day) and ``row``; every
occurrence of a step kept. A milestone's date is the first date of any of its steps.

For each interval ``from -> to`` a child is

``completed``     both dates known and ``to`` on or after ``from``;
``waiting``       ``from`` dated, ``to`` not, and nothing shows the child left the route
                  (no later milestone, no outcome step after ``from``): the interval so
                  far runs to the as-of date;
``left``          ``to`` not dated and an outcome (going home, a kinship order, ...) is
                  recorded after ``from``: the child left this route;
``not_recorded``  ``to`` not dated but a later milestone is: the date is missing;
``out_of_order``  ``to`` dated before ``from``: one of the two dates must be wrong.

An **aim** is "``share`` of children within ``limit`` ``unit`` of ``from``" (PACE's
stretch aims: "90% within 12 weeks"). The share within an aim counts a child as
*within* when the interval completed by the due date, *not within* when it completed
later or is still waiting past the due date; children still waiting and not yet due
are left out of the share (they may still make it) and counted as ``still_open``.
Due dates are counted as the law counts them (:mod:`explorer.cases.calendar`: months
by the corresponding date).

**Run charts** plot, for each month of the earlier milestone, the median days of the
completed intervals and the share within each aim. Signals of non-random variation
follow **Anhøj's rules** (Anhøj and Olesen, "Run charts revisited", PLoS ONE 2014): with
``n`` useful points (points on the centre line, the median of the plotted values, are
ignored), a *shift* is signalled when the longest run on one side of the centre line is
longer than ``round(log2(n) + 3)``, and *too few crossings* when the line crosses the
centre line fewer than ``qbinom(0.05, n - 1, 0.5)`` times (the 5th percentile of a
binomial distribution). Anhøj's rule set has no trend rule: it adds false signals
without adding power, so none is applied.

>>> import pandas as pd
>>> log = pd.DataFrame({"case_id": ["A", "A", "B"],
...     "step": ["looked_after", "permanence_recommendation", "looked_after"],
...     "date": pd.to_datetime(["2025-01-06", "2025-03-07", "2025-02-03"]), "row": [1, 2, 3]})
>>> m = pace_measures(log, as_of=dt.date(2025, 6, 1))
>>> iv = m.interval("looked_after", "permanence_recommendation")
>>> iv.completed, iv.waiting, iv.median_days
(1, 1, 60.0)
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from explorer.cases.calendar import due_dates
from explorer.cases.caseload import InputProblem
from explorer.cases.events import detect_format, read_any, read_events, wide_to_events

#: The PACE milestones: an id and the steps whose first date is the milestone's date.
PACE_MILESTONES: dict[str, tuple[str, ...]] = {
    "looked_after": ("looked_after",),
    "permanence_recommendation": ("permanence_recommendation",),
    "adm_decision": ("adm_decision",),
    "court_application": ("po_application", "adoption_petition"),
    "final_order": ("po_granted", "poaa_granted", "adoption_order"),
}
#: What a user reads for each PACE milestone.
MILESTONE_NAMES: dict[str, str] = {
    "looked_after": "Becomes looked after",
    "permanence_recommendation": "Review recommends permanence",
    "adm_decision": "Agency decision maker's decision",
    "court_application": "Application lodged in court",
    "final_order": "Final order granted",
}
#: The intervals measured by default: each milestone to the next, and the whole journey.
PACE_INTERVALS: tuple[tuple[str, str], ...] = (
    ("looked_after", "permanence_recommendation"),
    ("permanence_recommendation", "adm_decision"),
    ("adm_decision", "court_application"),
    ("court_application", "final_order"),
    ("looked_after", "final_order"),
)
#: Steps that end a child's journey another way than the PACE route (from the flows'
#: outcomes): a child with one dated after FROM is not waiting.
LEAVING_STEPS: tuple[str, ...] = ("reunification", "kinship_care_order", "long_term_care_cso",
                                  "adoption_order")
#: Counts smaller than this are suppressed in shared aggregates (official statistics' rule).
SUPPRESS_BELOW = 5
STATES: tuple[str, ...] = ("completed", "waiting", "left", "not_recorded", "out_of_order")


def read_log(data: bytes, *, filename: str = "events.csv", fs: Any | None = None,
             as_of: dt.date | None = None, sheet: str | None = None
             ) -> tuple[pd.DataFrame, list[InputProblem]]:
    """The events of a file in either form (an event log, or a wide caseload whose dated
    cells become events), read in memory by :mod:`explorer.cases.events`, and the
    problems met. Never raises on bad input: a file that cannot be read gives no events
    and a fatal problem."""
    if detect_format(data, filename, sheet=sheet) == "long":
        log = read_events(data, filename=filename, fs=fs, sheet=sheet, as_of=as_of)
        return log.events, list(log.problems)
    load = read_any(data, as_of=as_of or dt.date.today(), filename=filename, fs=fs,
                    sheet=sheet)
    return wide_to_events(load), list(load.problems)


class MeasureError(ValueError):
    """An aim or interval that cannot be measured (unknown step, bad number)."""


@dataclass(frozen=True)
class Aim:
    """``share`` of children within ``limit`` ``unit`` from ``from_`` to ``to``.

    ``share`` is the target (0-1), or None when the aim is only a limit. ``source`` and
    ``provision`` cite where a national aim comes from; a local aim has ``local=True``.
    """

    from_: str
    to: str
    limit: float
    unit: str = "days"
    share: float | None = None
    label: str = ""
    local: bool = True
    source: str | None = None
    provision: str | None = None
    #: Every citation of a national aim, as (source id, provision), the flows' own.
    legal_basis: tuple[tuple[str, str], ...] = ()

    @property
    def days(self) -> float | None:
        """The limit in days where it is a number of days or weeks; None for months."""
        if self.unit == "days":
            return self.limit
        if self.unit == "weeks":
            return self.limit * 7
        return None

    def text(self) -> str:
        target = f"{self.share:.0%} of children " if self.share is not None else ""
        unit = self.unit if self.limit != 1 else self.unit.rstrip("s")
        return self.label or f"{target}within {self.limit:g} {unit}"

    def as_spec(self) -> str:
        """The ``FROM:TO:DAYS:SHARE`` form (days aims only): the URL and CLI form."""
        share = "" if self.share is None else f":{self.share:g}"
        return f"{self.from_}:{self.to}:{self.limit:g}{share}"


def parse_aim(text: str, *, known: Iterable[str] | None = None) -> Aim:
    """An aim from ``FROM:TO:DAYS[:SHARE]`` (SHARE as 0.9 or 90%).

    >>> parse_aim("permanence_recommendation:permanence_panel:84:0.9").share
    0.9
    >>> parse_aim("looked_after:adm_decision:x")
    Traceback (most recent call last):
    ...
    explorer.cases.measures.MeasureError: aim 'looked_after:adm_decision:x': DAYS must be a \
whole number of days from 1 to 3650, got 'x'
    """
    parts = [p.strip() for p in text.split(":")]
    if len(parts) not in (3, 4) or not all(parts):
        raise MeasureError(f"aim '{text}': write FROM:TO:DAYS or FROM:TO:DAYS:SHARE, "
                           "e.g. permanence_recommendation:permanence_panel:84:0.9")
    a, b, days_text = parts[:3]
    known_set = set(known) if known is not None else None
    for s in (a, b):
        if known_set is not None and s not in known_set:
            raise MeasureError(f"aim '{text}': unknown step '{s}'")
    try:
        days = int(days_text)
    except ValueError:
        days = -1
    if not 1 <= days <= 3650:
        raise MeasureError(f"aim '{text}': DAYS must be a whole number of days from 1 to "
                           f"3650, got '{days_text}'")
    share = None
    if len(parts) == 4:
        raw = parts[3]
        try:
            share = float(raw[:-1]) / 100 if raw.endswith("%") else float(raw)
        except ValueError:
            share = -1.0
        if not 0 < share <= 1:
            raise MeasureError(f"aim '{text}': SHARE must be between 0 and 1 (or 1% to "
                               f"100%), got '{raw}'")
    return Aim(a, b, float(days), "days", share)


def national_aims(fs: Any | None) -> list[Aim]:
    """The national aims the flows carry between PACE milestones, cited as the flows cite
    them (the 6-month point at which permanence should be considered).

    Read from the flows' timescales of kind ``guidance_target`` whose both ends are PACE
    milestone steps, so the citation is the flows' own, never restated here.
    """
    if fs is None:
        return []
    steps = {s: m for m, ss in PACE_MILESTONES.items() for s in ss}
    out: list[Aim] = []
    for flow in fs.flows.values():
        for ts in flow.timescales:
            a, b = str(ts.from_), str(ts.to)
            if (ts.kind == "guidance_target" and ts.limit is not None and ts.unit
                    and a in steps and b in steps and ts.status == "current"):
                lb = ts.legal_basis[0] if ts.legal_basis else None
                out.append(Aim(steps[a], steps[b], float(ts.limit), ts.unit, None,
                               label=f"national: within {ts.limit:g} {ts.unit}", local=False,
                               source=lb.source if lb else None,
                               provision=lb.provision if lb else None,
                               legal_basis=tuple((x.source, x.provision)
                                                 for x in ts.legal_basis)))
    return out


# -- milestone dates ---------------------------------------------------------------------


def _first_dates(events: pd.DataFrame, steps: Iterable[str]) -> pd.DataFrame:
    """One row a case, one column a step: the step's first date (NaT where none)."""
    wanted = list(dict.fromkeys(steps))
    cases = pd.Index(pd.unique(events["case_id"]), name="case_id")
    sub = events[events["step"].isin(wanted)]
    first = sub.groupby(["case_id", "step"], sort=False, observed=True)["date"].min()
    wide = first.unstack("step") if len(first) else pd.DataFrame(index=cases)
    return wide.reindex(index=cases, columns=wanted)


def milestone_dates(events: pd.DataFrame, steps: Mapping[str, Sequence[str]] | None = None
                    ) -> pd.DataFrame:
    """Each case's date of each milestone (the first date of any of its steps).

    ``steps`` maps a milestone id to its steps (default :data:`PACE_MILESTONES`); any
    other step id used in an aim is its own milestone.

    >>> log = pd.DataFrame({"case_id": ["A", "A"], "step": ["po_application",
    ...     "adoption_petition"], "date": pd.to_datetime(["2025-05-02", "2025-04-01"])})
    >>> milestone_dates(log).loc["A", "court_application"].date()
    datetime.date(2025, 4, 1)
    """
    groups = dict(PACE_MILESTONES if steps is None else steps)
    wide = _first_dates(events, [s for ss in groups.values() for s in ss])
    out = pd.DataFrame(index=wide.index)
    for m, ss in groups.items():
        out[m] = wide[list(ss)].min(axis=1)
    return out


# -- intervals ---------------------------------------------------------------------------


@dataclass
class AimResult:
    """An aim measured: children within, not within, still open, and the share within."""

    aim: Aim
    within: int
    not_within: int
    still_open: int

    @property
    def share_within(self) -> float | None:
        n = self.within + self.not_within
        return self.within / n if n else None

    @property
    def met(self) -> bool | None:
        s = self.share_within
        return None if s is None or self.aim.share is None else s >= self.aim.share

    def as_dict(self, *, suppress: bool = False) -> dict[str, Any]:
        share = self.share_within
        return {"days": self.aim.days, "limit": self.aim.limit, "unit": self.aim.unit,
                "label": self.aim.text(), "target_share": self.aim.share,
                "share_within": None if share is None or (
                    suppress and self.within + self.not_within < SUPPRESS_BELOW)
                else round(share, 4),
                "within": _count(self.within, suppress),
                "not_within": _count(self.not_within, suppress),
                "still_open": _count(self.still_open, suppress),
                "met": self.met, "local": self.aim.local, "source": self.aim.source,
                "provision": self.aim.provision,
                "legal_basis": [{"source": src, "provision": prov}
                                for src, prov in self.aim.legal_basis]}


def milestone_name(m: str, names: Mapping[str, str] | None = None) -> str:
    """What a user reads for a milestone or step id (its step name, given ``names``)."""
    return MILESTONE_NAMES.get(m) or (names or {}).get(m, m)


def _count(n: int, suppress: bool) -> int | str:
    return f"<{SUPPRESS_BELOW}" if suppress and 0 < n < SUPPRESS_BELOW else int(n)


@dataclass
class Interval:
    """One interval across the caseload: each child's state and days, and the aims.

    ``children`` has one row a case with columns ``from_date``, ``to_date``, ``state``
    (one of :data:`STATES`), ``days`` (completed: the interval; waiting: so far to the
    as-of date) and ``month`` (the first day of the month of ``from_date``).
    """

    from_: str
    to: str
    children: pd.DataFrame
    aims: list[AimResult] = field(default_factory=list)

    def count(self, state: str) -> int:
        return int((self.children["state"] == state).sum())

    @property
    def completed(self) -> int:
        return self.count("completed")

    @property
    def waiting(self) -> int:
        return self.count("waiting")

    @property
    def median_days(self) -> float | None:
        d = self.children.loc[self.children["state"] == "completed", "days"]
        return float(d.median()) if len(d) else None

    def quantile_days(self, q: float) -> float | None:
        d = self.children.loc[self.children["state"] == "completed", "days"]
        return float(d.quantile(q)) if len(d) else None

    @property
    def median_waiting_days(self) -> float | None:
        d = self.children.loc[self.children["state"] == "waiting", "days"]
        return float(d.median()) if len(d) else None

    def as_dict(self, *, suppress: bool = False,
                names: Mapping[str, str] | None = None) -> dict[str, Any]:
        def r(x: float | None) -> float | None:
            return None if x is None else round(x, 1)

        few = suppress and self.completed < SUPPRESS_BELOW
        return {"from": self.from_, "to": self.to,
                "from_name": milestone_name(self.from_, names),
                "to_name": milestone_name(self.to, names),
                "completed": _count(self.completed, suppress),
                "waiting": _count(self.waiting, suppress),
                "left": _count(self.count("left"), suppress),
                "not_recorded": _count(self.count("not_recorded"), suppress),
                "out_of_order": _count(self.count("out_of_order"), suppress),
                "median_days": None if few else r(self.median_days),
                "p90_days": None if few else r(self.quantile_days(0.9)),
                "median_waiting_days": None if suppress and self.waiting < SUPPRESS_BELOW
                else r(self.median_waiting_days),
                "aims": [a.as_dict(suppress=suppress) for a in self.aims]}


def _dates(s: pd.Series) -> np.ndarray:
    return s.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")


def measure_interval(dates: pd.DataFrame, a: str, b: str, *, as_of: dt.date,
                     later: Sequence[str] = (), leaving: pd.Series | None = None,
                     aims: Sequence[Aim] = ()) -> Interval:
    """The interval ``a -> b`` for every case of ``dates`` (one column a milestone).

    ``later`` are milestones after ``b``: one dated while ``b`` is not means ``b``'s date
    is missing. ``leaving`` gives each case's dates of leaving steps (first per case,
    as a list) - see :func:`pace_measures`.
    """
    fa, fb = _dates(dates[a]), _dates(dates[b])
    today = np.datetime64(as_of, "D")
    has_a, has_b = ~np.isnat(fa), ~np.isnat(fb)
    state = np.full(len(dates), "", dtype=object)
    days = np.full(len(dates), np.nan)
    diff = (fb - fa).astype("timedelta64[D]").astype(np.float64)
    done = has_a & has_b & (fb >= fa)
    state[done] = "completed"
    days[done] = diff[done]
    state[has_a & has_b & (fb < fa)] = "out_of_order"
    open_ = has_a & ~has_b
    gap = np.zeros(len(dates), dtype=bool)
    for m in later:
        gap |= ~np.isnat(_dates(dates[m]))
    left = np.zeros(len(dates), dtype=bool)
    if leaving is not None:
        lv = _dates(leaving.reindex(dates.index))
        left = ~np.isnat(lv) & (lv >= fa)
    state[open_ & gap] = "not_recorded"
    state[open_ & ~gap & left] = "left"
    wait = open_ & ~gap & ~left
    state[wait] = "waiting"
    days[wait] = (today - fa[wait]).astype(np.float64)
    children = pd.DataFrame({"from_date": fa.astype("datetime64[ns]"),
                             "to_date": fb.astype("datetime64[ns]"), "state": state,
                             "days": days}, index=dates.index)
    children = children[has_a]
    children["month"] = children["from_date"].dt.to_period("M").dt.to_timestamp()
    iv = Interval(a, b, children)
    iv.aims = [_aim_result(iv, aim, today) for aim in aims]
    return iv


def _due(children: pd.DataFrame, aim: Aim) -> np.ndarray:
    start = _dates(children["from_date"])
    if aim.unit in ("days", "weeks"):
        return start + np.timedelta64(round(aim.days or 0), "D")
    return due_dates(start, aim.limit, aim.unit)


def within_flags(iv: Interval, aim: Aim, as_of: dt.date) -> tuple[np.ndarray, np.ndarray]:
    """Per child of ``iv``: (decided, within). Decided children count in the share."""
    c = iv.children
    due = _due(c, aim)
    end = _dates(c["to_date"])
    done = (c["state"] == "completed").to_numpy()
    waiting = (c["state"] == "waiting").to_numpy()
    today = np.datetime64(as_of, "D")
    within = done & (end <= due)
    decided = done | (waiting & (today > due))
    return decided, within


def _aim_result(iv: Interval, aim: Aim, today: np.datetime64) -> AimResult:
    decided, within = within_flags(iv, aim, today.astype(dt.date))
    waiting = (iv.children["state"] == "waiting").to_numpy()
    return AimResult(aim, int(within.sum()), int((decided & ~within).sum()),
                     int((waiting & ~decided).sum()))


@dataclass
class Measures:
    """Every interval measured at ``as_of``; :meth:`as_dict` is the ``measures --json``."""

    as_of: dt.date
    intervals: list[Interval]
    cases: int

    def interval(self, a: str, b: str) -> Interval:
        for iv in self.intervals:
            if (iv.from_, iv.to) == (a, b):
                return iv
        raise KeyError(f"{a} -> {b}")

    def as_dict(self, *, suppress: bool = False,
                names: Mapping[str, str] | None = None) -> dict[str, Any]:
        return {"as_of": self.as_of.isoformat(), "cases": self.cases,
                "suppressed_below": SUPPRESS_BELOW if suppress else None,
                "rule_set": "Anhøj (longest run > round(log2(n) + 3); crossings < "
                            "qbinom(0.05, n - 1, 0.5))",
                "intervals": [iv.as_dict(suppress=suppress, names=names)
                              for iv in self.intervals]}


def pace_measures(events: pd.DataFrame, *, as_of: dt.date, aims: Sequence[Aim] = (),
                  intervals: Sequence[tuple[str, str]] = PACE_INTERVALS) -> Measures:
    """The PACE intervals (and any interval an aim names) of every case at ``as_of``.

    An aim's FROM and TO may be PACE milestone ids or any step id (its first date).
    """
    wanted = list(dict.fromkeys([*intervals, *((a.from_, a.to) for a in aims)]))
    groups: dict[str, tuple[str, ...]] = dict(PACE_MILESTONES)
    for a, b in wanted:
        for m in (a, b):
            groups.setdefault(m, (m,))
    dates = milestone_dates(events, groups)
    order = list(PACE_MILESTONES)
    out = []
    for a, b in wanted:
        later = order[order.index(b) + 1:] if b in order and a in order else []
        # Going home after the start leaves the route; a step of the TO milestone itself
        # (an adoption order is a final order) is reaching it, not leaving.
        leave = [s for s in LEAVING_STEPS if s not in groups[b]]
        lv = events[events["step"].isin(leave)].groupby("case_id", sort=False)["date"].max()
        out.append(measure_interval(dates, a, b, as_of=as_of, later=later, leaving=lv,
                                    aims=[x for x in aims if (x.from_, x.to) == (a, b)]))
    return Measures(as_of, out, len(dates))


# -- run charts --------------------------------------------------------------------------


def longest_run_limit(n: int) -> int:
    """Anhøj's upper limit for the longest run among ``n`` useful points.

    >>> [longest_run_limit(n) for n in (10, 12, 20, 24, 30)]
    [6, 7, 7, 8, 8]
    """
    # Python's round() rounds half to even, as R's does; log2(n) + 3 is never exactly
    # half-way for a whole n, so the two agree.
    return round(math.log2(n) + 3) if n > 0 else 0


def crossings_limit(n: int) -> int:
    """Anhøj's lower limit for the number of crossings: ``qbinom(0.05, n - 1, 0.5)``,
    the smallest ``k`` with P(X <= k) >= 0.05 for X ~ Binomial(n - 1, 1/2).

    >>> [crossings_limit(n) for n in (10, 12, 20, 24, 30)]
    [2, 3, 6, 8, 10]
    """
    if n < 2:
        return 0
    trials = n - 1
    total = 2 ** trials
    cum = 0
    for k in range(trials + 1):
        cum += math.comb(trials, k)
        if cum * 20 >= total:  # cum / total >= 0.05, in whole numbers
            return k
    return trials  # pragma: no cover - the loop always returns


@dataclass(frozen=True)
class RunsAnalysis:
    """Anhøj's runs analysis of one series against its centre line."""

    centre: float | None
    useful: int
    longest_run: int
    longest_run_limit: int
    crossings: int
    crossings_limit: int

    @property
    def shift(self) -> bool:
        return self.useful > 0 and self.longest_run > self.longest_run_limit

    @property
    def too_few_crossings(self) -> bool:
        return self.useful > 1 and self.crossings < self.crossings_limit

    @property
    def signal(self) -> bool:
        return self.shift or self.too_few_crossings

    def as_dict(self) -> dict[str, Any]:
        return {"centre": self.centre, "useful_points": self.useful,
                "longest_run": self.longest_run, "longest_run_limit": self.longest_run_limit,
                "crossings": self.crossings, "crossings_limit": self.crossings_limit,
                "shift": self.shift, "too_few_crossings": self.too_few_crossings,
                "signal": self.signal}


def runs_analysis(values: Sequence[float] | np.ndarray, centre: float | None = None
                  ) -> RunsAnalysis:
    """Anhøj's rules on ``values`` (NaN points are skipped) against ``centre`` (default:
    their median). Points on the centre line are not useful and are dropped.

    >>> r = runs_analysis([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])
    >>> (r.useful, r.longest_run, r.crossings, r.shift, r.too_few_crossings)
    (12, 6, 1, False, True)
    """
    y = np.asarray(values, dtype=float)
    y = y[~np.isnan(y)]
    if y.size == 0:
        return RunsAnalysis(None, 0, 0, 0, 0, 0)
    cl = float(np.median(y)) if centre is None else float(centre)
    side = np.sign(y - cl)
    side = side[side != 0]
    n = int(side.size)
    if n == 0:
        return RunsAnalysis(cl, 0, 0, 0, 0, 0)
    breaks = np.flatnonzero(side[1:] != side[:-1])
    crossings = int(breaks.size)
    bounds = np.concatenate([[-1], breaks, [n - 1]])
    longest = int(np.diff(bounds).max())
    return RunsAnalysis(cl, n, longest, longest_run_limit(n), crossings, crossings_limit(n))


def run_chart(iv: Interval, *, as_of: dt.date, suppress: bool = False) -> pd.DataFrame:
    """The run-chart data of an interval: one row a month of the earlier milestone.

    Columns: ``month``, ``completed``, ``waiting``, ``median_days`` (completed intervals),
    ``median_waiting_days`` (the interval so far of those still waiting), and for each
    aim ``share_within_<i>`` (i = its position in ``iv.aims``). With ``suppress``, counts
    under :data:`SUPPRESS_BELOW` become None and so do the figures drawn from them.
    """
    c = iv.children
    if c.empty:
        return pd.DataFrame(columns=["month", "completed", "waiting", "median_days",
                                     "median_waiting_days"])
    done = c[c["state"] == "completed"]
    wait = c[c["state"] == "waiting"]
    months = pd.date_range(c["month"].min(), c["month"].max(), freq="MS")
    out = pd.DataFrame({"month": months})
    out["completed"] = done.groupby("month").size().reindex(months, fill_value=0).to_numpy()
    out["waiting"] = wait.groupby("month").size().reindex(months, fill_value=0).to_numpy()
    out["median_days"] = done.groupby("month")["days"].median().reindex(months).to_numpy()
    out["median_waiting_days"] = wait.groupby("month")["days"].median().reindex(
        months).to_numpy()
    for i, ar in enumerate(iv.aims):
        decided, within = within_flags(iv, ar.aim, as_of)
        frame = pd.DataFrame({"month": c["month"].to_numpy(), "d": decided, "w": within})
        g = frame[frame["d"]].groupby("month")
        n = g.size().reindex(months, fill_value=0)
        share = (g["w"].sum().reindex(months, fill_value=0) / n.where(n > 0))
        if suppress:
            share = share.where(n >= SUPPRESS_BELOW)
        out[f"share_within_{i}"] = share.to_numpy()
        out[f"decided_{i}"] = n.to_numpy()
    if suppress:
        few_done = out["completed"] < SUPPRESS_BELOW
        out.loc[few_done, "median_days"] = np.nan
        out.loc[out["waiting"] < SUPPRESS_BELOW, "median_waiting_days"] = np.nan
        for col in ("completed", "waiting", *(f"decided_{i}" for i in range(len(iv.aims)))):
            out[col] = out[col].astype(object).where(
                (out[col] == 0) | (out[col] >= SUPPRESS_BELOW), f"<{SUPPRESS_BELOW}")
    return out


def suppress_counts(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """A copy of ``frame`` with counts under :data:`SUPPRESS_BELOW` (but not 0) shown as
    ``"<5"``: disclosure control for tables shared beyond the team.

    >>> suppress_counts(pd.DataFrame({"n": [0, 3, 7]}), ["n"])["n"].tolist()
    [0, '<5', 7]
    """
    out = frame.copy()
    for col in columns:
        v = out[col]
        out[col] = v.astype(object).where((v == 0) | (v >= SUPPRESS_BELOW) | v.isna(),
                                          f"<{SUPPRESS_BELOW}")
    return out


def children_table(iv: Interval) -> pd.DataFrame:
    """Each child of an interval (case, dates, state, days): for the team, not for sharing."""
    c = iv.children.reset_index()
    return pd.DataFrame({"case_id": c["case_id"].astype(str),
                         "from_date": c["from_date"].dt.date, "to_date": c["to_date"].dt.date,
                         "state": c["state"], "days": c["days"]})


__all__ = [
    "MILESTONE_NAMES",
    "PACE_INTERVALS",
    "PACE_MILESTONES",
    "SUPPRESS_BELOW",
    "Aim",
    "AimResult",
    "Interval",
    "MeasureError",
    "Measures",
    "RunsAnalysis",
    "children_table",
    "crossings_limit",
    "longest_run_limit",
    "measure_interval",
    "milestone_dates",
    "milestone_name",
    "national_aims",
    "pace_measures",
    "parse_aim",
    "read_log",
    "run_chart",
    "runs_analysis",
    "suppress_counts",
]
