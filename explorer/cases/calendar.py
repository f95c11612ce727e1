"""Time as the law counts it: working days, periods, months and fixed days.

Working days follow the Children's Hearings (Scotland) Act 2011 s.202(1): every day
except Saturday and Sunday, 25 and 26 December, and 1 and 2 January. Other public
and bank holidays (Good Friday, Easter Monday, the May and August holidays, St
Andrew's Day, substitute days) **are** working days: the Act does not exclude them,
so this is not a business-day calendar. When 25 December falls on a Saturday, no
substitute day is excluded: the Monday after is a working day.

Periods (``counting``, from :data:`explorer.model.Counting`):

``beginning_with_event_day``
    "N days beginning with the day of the decision": the event day is day 1, so
    the period ends on day N counted from and including it.
``beginning_day_after_event`` and ``not_stated``
    "N working days beginning on the day after removal": day 1 is the day after the
    event. ``not_stated`` is read this way, as the general rule (the day of the
    event is excluded from the reckoning) and the model both say.
``nth_day_after_event``
    "on the second working day after the day": a fixed day, the Nth day (of the
    unit) after the event day.
``from_event_time``
    hours run from the moment of the event. Only dates are known, so the period is
    taken to end on the latest date it could end: the event day plus ``ceil(N/24)``
    days (an event at 23:59 plus 24 hours ends the next day).

Calendar months and years use the corresponding date rule (Dodds v Walker [1981]
UKHL, applied since Lester v Garland (1808)): a period of N months after an event
ends on the day of the month N months later that bears the same number as the event
day; where that month has no such day, on its last day. So one month after
31 January ends on 28 February (29 February in a leap year), and a year after
29 February ends on 28 February. A period of N months *beginning with* the event
day ends the day before the corresponding date, or on the last day of the month
where there is no corresponding date (the rule as Halsbury's Laws states it, and as
SI 2018/1082 r.1.4 codifies it for England and Wales; no Scottish codification was
found, so this is the common-law rule, confidence medium).
See ``docs/calendar.md`` for the sources read.

Statutory minimums ("at all times during the preceding 13 weeks") use
:func:`earliest_date`: the first day on which the act may lawfully be done.

Every function has a vectorised twin over ``numpy.datetime64[D]`` arrays
(:func:`due_dates`, :func:`earliest_dates`) for caseloads; ``NaT`` passes through.

>>> import datetime as dt
>>> due_date(dt.date(2026, 12, 23), 2, "working_days", "nth_day_after_event")
datetime.date(2026, 12, 28)
>>> due_date(dt.date(2027, 1, 31), 1, "months", "beginning_day_after_event")
datetime.date(2027, 2, 28)
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from functools import lru_cache

import numpy as np

#: Monday to Friday; Saturday and Sunday are never working days (s.202(1)).
WEEKMASK = "1111100"
#: The fixed days s.202(1) excludes, as (month, day).
EXCLUDED_DAYS: tuple[tuple[int, int], ...] = ((12, 25), (12, 26), (1, 1), (1, 2))
#: The years the holiday list covers; dates outside raise ValueError rather than
#: silently counting 25 December as a working day.
FIRST_YEAR = 1900
LAST_YEAR = 2300

COUNTINGS = ("beginning_with_event_day", "beginning_day_after_event", "nth_day_after_event",
             "from_event_time", "not_stated")
UNITS = ("hours", "days", "working_days", "weeks", "months", "years")

DAY = np.timedelta64(1, "D")


class CalendarError(ValueError):
    """A period the calendar cannot count (a fractional month, an unknown unit)."""


@lru_cache(maxsize=1)
def busday_calendar() -> np.busdaycalendar:
    """The s.202(1) working-day calendar for :data:`FIRST_YEAR` to :data:`LAST_YEAR`."""
    holidays = [np.datetime64(dt.date(y, m, d), "D")
                for y in range(FIRST_YEAR, LAST_YEAR + 1) for m, d in EXCLUDED_DAYS]
    return np.busdaycalendar(weekmask=WEEKMASK, holidays=np.array(holidays))


def is_working_day(day: dt.date) -> bool:
    """Whether ``day`` is a working day under CHSA 2011 s.202(1).

    >>> is_working_day(dt.date(2026, 4, 3))  # Good Friday is a working day
    True
    >>> is_working_day(dt.date(2026, 12, 26))
    False
    """
    if day.weekday() >= 5:
        return False
    return (day.month, day.day) not in EXCLUDED_DAYS


def working_days_between(start: dt.date, end: dt.date) -> int:
    """The working days from the day after ``start`` up to and including ``end``.

    Negative when ``end`` is before ``start``.
    """
    a, b = _as_days(np.array([start], dtype="datetime64[D]")), np.array([end],
                                                                        dtype="datetime64[D]")
    return int(_count_working_days(a, b)[0])


def _count_working_days(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    _check_range(a)
    _check_range(b)
    return np.busday_count(a + DAY, b + DAY, busdaycal=busday_calendar())


def _as_days(values: np.ndarray) -> np.ndarray:
    return np.asarray(values).astype("datetime64[D]")


def _check_range(days: np.ndarray) -> None:
    valid = days[~np.isnat(days)]
    if valid.size == 0:
        return
    lo = np.datetime64(f"{FIRST_YEAR:04d}-01-01", "D")
    hi = np.datetime64(f"{LAST_YEAR:04d}-12-31", "D")
    if valid.min() < lo or valid.max() > hi:
        raise CalendarError(f"dates must lie between {FIRST_YEAR} and {LAST_YEAR}")


def _whole(limit: float, unit: str) -> int:
    if limit <= 0:
        raise CalendarError(f"a period needs a positive limit, got {limit}")
    if float(limit).is_integer():
        return int(limit)
    raise CalendarError(f"{limit} {unit} is not a whole number of {unit}: the law counts "
                        "whole units")


def _normalise(limit: float, unit: str) -> tuple[int, str]:
    """A limit in whole days, working days or months (weeks and years folded in)."""
    if unit == "weeks":
        days = limit * 7
        return _whole(days, "days"), "days"
    if unit == "years":
        return _whole(limit, "years") * 12, "months"
    if unit in ("days", "working_days", "months"):
        return _whole(limit, unit), unit
    raise CalendarError(f"unknown unit '{unit}'; expected one of {', '.join(UNITS)}")


def _add_months(days: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The corresponding date ``n`` months on (clamped to the month's end), and whether
    the month had a corresponding day at all."""
    months = days.astype("datetime64[M]")
    day_of_month = (days - months.astype("datetime64[D]")).astype(np.int64)  # 0-based
    target = months + np.timedelta64(n, "M")
    length = ((target + np.timedelta64(1, "M")).astype("datetime64[D]")
              - target.astype("datetime64[D]")).astype(np.int64)
    exists = day_of_month < length
    offset = np.minimum(day_of_month, length - 1)
    out = target.astype("datetime64[D]") + offset.astype("timedelta64[D]")
    out[np.isnat(days)] = np.datetime64("NaT")
    return out, exists


def due_dates(starts: np.ndarray, limit: float, unit: str, counting: str = "not_stated"
              ) -> np.ndarray:
    """The last day of the period (or the fixed day) for each start date.

    ``starts`` is an array of dates (``datetime64``); ``NaT`` gives ``NaT``.
    """
    if counting not in COUNTINGS:
        raise CalendarError(f"unknown counting '{counting}'; expected one of "
                            f"{', '.join(COUNTINGS)}")
    d = _as_days(starts)
    _check_range(d)
    if unit == "hours":
        if limit <= 0:
            raise CalendarError(f"a period needs a positive limit, got {limit}")
        return d + np.timedelta64(math.ceil(limit / 24), "D")
    n, base = _normalise(limit, unit)
    with_event_day = counting == "beginning_with_event_day"
    if base == "days":
        return d + np.timedelta64(n - 1 if with_event_day else n, "D")
    if base == "working_days":
        # The period's first day is the event day itself or the day after; its Nth
        # working day is found by rolling that day forward onto a working day.
        first = d if with_event_day else d + DAY
        out = np.busday_offset(first, n - 1, roll="forward", busdaycal=busday_calendar())
        _check_range(out)
        return out
    corresponding, exists = _add_months(d, n)
    if not with_event_day:
        return corresponding
    # Beginning with the event day: it ends the day before the corresponding date,
    # or on the month's last day where there is no corresponding date.
    return np.where(exists, corresponding - DAY, corresponding)


def earliest_dates(starts: np.ndarray, limit: float, unit: str,
                   counting: str = "not_stated") -> np.ndarray:
    """The first day on which a step may happen under a statutory minimum.

    A minimum period must have run its course: where it begins with the event day,
    the step may happen on the day after the period ends; where it begins the day
    after, on the day the period ends, which is the date N units *after* the event
    (a step "not less than 13 weeks after" placement may be on that day). For
    calendar units both readings give the same day. Hours: the earliest the period
    could end, the event day plus ``floor(N/24)`` days.
    """
    d = _as_days(starts)
    if unit == "hours":
        _check_range(d)
        if limit <= 0:
            raise CalendarError(f"a period needs a positive limit, got {limit}")
        return d + np.timedelta64(math.floor(limit / 24), "D")
    end = due_dates(d, limit, unit, counting)
    if counting == "beginning_with_event_day":
        return end + DAY
    return end


def _one(fn: Callable[[np.ndarray, float, str, str], np.ndarray], start: dt.date,
         limit: float, unit: str, counting: str) -> dt.date:
    out = fn(np.array([start], dtype="datetime64[D]"), limit, unit, counting)
    day: dt.date = out[0].astype(dt.date)
    return day


def due_date(start: dt.date, limit: float, unit: str, counting: str = "not_stated"
             ) -> dt.date:
    """The last day of a period of ``limit`` ``unit`` from ``start`` (or the fixed day).

    >>> due_date(dt.date(2026, 1, 30), 8, "working_days", "beginning_day_after_event")
    datetime.date(2026, 2, 11)
    """
    return _one(due_dates, start, limit, unit, counting)


def earliest_date(start: dt.date, limit: float, unit: str, counting: str = "not_stated"
                  ) -> dt.date:
    """The first day a step may happen under a statutory minimum from ``start``.

    >>> earliest_date(dt.date(2026, 3, 2), 13, "weeks", "beginning_day_after_event")
    datetime.date(2026, 6, 1)
    """
    return _one(earliest_dates, start, limit, unit, counting)
