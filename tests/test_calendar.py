"""The calendar at its edges, each date worked out by hand from the statutory wording.

CHSA 2011 s.202(1): "working day" means every day except Saturday and Sunday, 25 and
26 December, and 1 and 2 January. Nothing else is excluded.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from explorer.cases.calendar import (
    CalendarError,
    due_date,
    due_dates,
    earliest_date,
    earliest_dates,
    is_working_day,
    working_days_between,
)

D = dt.date


# -- what is a working day -----------------------------------------------------------------


@pytest.mark.parametrize("day", [D(2026, 12, 25), D(2026, 12, 26), D(2027, 1, 1),
                                 D(2029, 1, 2)])
def test_christmas_boxing_day_and_first_two_days_of_january_are_not_working_days(
        day: dt.date) -> None:
    """s.202(1) excludes 25 and 26 December and 1 and 2 January by date, whatever weekday."""
    assert not is_working_day(day)


@pytest.mark.parametrize("day", [D(2026, 4, 3), D(2026, 4, 6), D(2026, 5, 4), D(2026, 8, 3),
                                 D(2026, 11, 30), D(2026, 12, 28), D(2027, 12, 27)])
def test_other_public_holidays_are_working_days(day: dt.date) -> None:
    """Good Friday, Easter Monday, the May and August bank holidays, St Andrew's Day and the
    substitute days for Christmas are not named in s.202(1), so they are working days."""
    assert is_working_day(day)


def test_weekend_days_are_not_working_days() -> None:
    """Saturday 7 and Sunday 8 March 2026 are excluded by s.202(1)(a)."""
    assert not is_working_day(D(2026, 3, 7))
    assert not is_working_day(D(2026, 3, 8))


# -- fixed days: "on the second working day after the day" ---------------------------------


def test_second_working_day_after_a_friday_skips_the_weekend() -> None:
    """Removed Friday 6 March 2026. The day after is Saturday (not a WD), Sunday (not),
    Monday 9 is WD 1, Tuesday 10 is WD 2: the s.45 hearing is on Tuesday 10 March."""
    assert due_date(D(2026, 3, 6), 2, "working_days", "nth_day_after_event") == D(2026, 3, 10)


def test_second_working_day_after_23_december_skips_christmas() -> None:
    """Removed Wednesday 23 December 2026. Thursday 24 is WD 1; Friday 25 (Christmas), Saturday
    26 (Boxing Day and a Saturday) and Sunday 27 are not; Monday 28 December, the bank
    holiday in lieu, is a working day under s.202: WD 2 is Monday 28 December."""
    assert due_date(D(2026, 12, 23), 2, "working_days", "nth_day_after_event") == D(2026, 12,
                                                                                      28)


def test_substitute_christmas_bank_holidays_count_as_working_days() -> None:
    """25 and 26 December 2027 are a Saturday and Sunday; the bank holidays move to Monday 27
    and Tuesday 28, but s.202 excludes only the dates 25 and 26 December. From Friday 24
    December 2027: Monday 27 is WD 1, Tuesday 28 is WD 2."""
    assert due_date(D(2027, 12, 24), 2, "working_days", "nth_day_after_event") == D(2027, 12,
                                                                                      28)


def test_second_working_day_across_new_year_on_weekdays() -> None:
    """Removed Friday 29 December 2028. Saturday 30 and Sunday 31 are weekend days; Monday
    1 and Tuesday 2 January 2029 are excluded by date; Wednesday 3 is WD 1, Thursday 4 is
    WD 2."""
    assert due_date(D(2028, 12, 29), 2, "working_days", "nth_day_after_event") == D(2029, 1, 4)


def test_easter_weekend_second_working_day() -> None:
    """Removed Thursday 2 April 2026. Good Friday 3 April is WD 1 (not excluded), Saturday and
    Sunday are not WDs, Easter Monday 6 April is WD 2."""
    assert due_date(D(2026, 4, 2), 2, "working_days", "nth_day_after_event") == D(2026, 4, 6)


# -- periods of working days ---------------------------------------------------------------


def test_eight_working_days_beginning_on_the_day_after_removal() -> None:
    """s.54(c): 8 WDs beginning on the day after the day of removal, Friday 30 January 2026.
    Saturday 31 and Sunday 1 are not WDs; Monday 2 to Friday 6 February are WDs 1-5;
    Monday 9, Tuesday 10, Wednesday 11 are WDs 6-8. The period ends on 11 February."""
    assert due_date(D(2026, 1, 30), 8, "working_days",
                    "beginning_day_after_event") == D(2026, 2, 11)


def test_eight_working_days_across_christmas_and_new_year() -> None:
    """Removed Wednesday 23 December 2026. WDs: Thu 24 (1); Fri 25, Sat 26, Sun 27 out; Mon 28
    (2), Tue 29 (3), Wed 30 (4), Thu 31 (5); Fri 1 January out, Sat 2 and Sun 3 out; Mon 4 (6),
    Tue 5 (7), Wed 6 January 2027 (8)."""
    assert due_date(D(2026, 12, 23), 8, "working_days",
                    "beginning_day_after_event") == D(2027, 1, 6)


def test_working_days_beginning_with_the_event_day_count_it() -> None:
    """3 WDs beginning with Friday 6 March 2026: Friday (1), Monday 9 (2), Tuesday 10 (3)."""
    assert due_date(D(2026, 3, 6), 3, "working_days",
                    "beginning_with_event_day") == D(2026, 3, 10)


def test_working_days_beginning_with_a_saturday_start_on_monday() -> None:
    """A period beginning with Saturday 7 March 2026: Saturday and Sunday are not WDs, so
    WD 1 is Monday 9 March."""
    assert due_date(D(2026, 3, 7), 1, "working_days",
                    "beginning_with_event_day") == D(2026, 3, 9)


def test_not_stated_counting_begins_the_day_after() -> None:
    """Where the source does not say, the day of the event is excluded (Lester v Garland,
    Dodds v Walker): 3 WDs after Friday 6 March 2026 end on Wednesday 11 March."""
    assert due_date(D(2026, 3, 6), 3, "working_days", "not_stated") == D(2026, 3, 11)


def test_working_days_between_counts_from_the_day_after() -> None:
    """From Wednesday 23 December 2026 to Wednesday 6 January 2027: 8 WDs (as above)."""
    assert working_days_between(D(2026, 12, 23), D(2027, 1, 6)) == 8


# -- calendar days and weeks ---------------------------------------------------------------


def test_days_beginning_with_the_event_day_include_it() -> None:
    """7 days beginning with Monday 2 March 2026 are 2-8 March: the last day is 8 March."""
    assert due_date(D(2026, 3, 2), 7, "days", "beginning_with_event_day") == D(2026, 3, 8)


def test_days_after_the_event_cross_a_month_end() -> None:
    """28 days beginning the day after 31 January 2026: 1-28 February; ends 28 February."""
    assert due_date(D(2026, 1, 31), 28, "days", "beginning_day_after_event") == D(2026, 2, 28)


def test_days_across_leap_day() -> None:
    """28 days after 1 February 2028 (a leap year): 2-29 February; ends 29 February 2028."""
    assert due_date(D(2028, 2, 1), 28, "days", "not_stated") == D(2028, 2, 29)


def test_weeks_are_seven_days() -> None:
    """6 weeks after Monday 2 March 2026 is Monday 13 April 2026 (42 days)."""
    assert due_date(D(2026, 3, 2), 6, "weeks", "not_stated") == D(2026, 4, 13)


# -- months and years: the corresponding date rule ------------------------------------------


def test_a_month_after_31_january_ends_on_the_last_day_of_february() -> None:
    """1 month after 31 January 2027: February 2027 has no 31st, so the period ends on its
    last day, 28 February."""
    assert due_date(D(2027, 1, 31), 1, "months", "beginning_day_after_event") == D(2027, 2, 28)


def test_a_month_after_31_january_in_a_leap_year_ends_on_29_february() -> None:
    """1 month after 31 January 2028 (leap year): the last day of February is the 29th."""
    assert due_date(D(2028, 1, 31), 1, "months", "not_stated") == D(2028, 2, 29)


def test_months_use_the_corresponding_date_as_in_dodds_v_walker() -> None:
    """Dodds v Walker: 4 months after 30 September ends on 30 January, not 31 January."""
    assert due_date(D(2026, 9, 30), 4, "months", "not_stated") == D(2027, 1, 30)


def test_months_cross_a_year_end() -> None:
    """6 months after 11 May 2026 is 11 November 2026; 3 months after 30 November 2026 is
    28 February 2027 (no 30 February)."""
    assert due_date(D(2026, 5, 11), 6, "months") == D(2026, 11, 11)
    assert due_date(D(2026, 11, 30), 3, "months") == D(2027, 2, 28)


def test_a_month_beginning_with_the_event_day_ends_the_day_before_the_corresponding_date(
) -> None:
    """1 month beginning with 15 March 2026 runs to the day before 15 April: 14 April."""
    assert due_date(D(2026, 3, 15), 1, "months", "beginning_with_event_day") == D(2026, 4, 14)


def test_a_month_beginning_with_30_january_ends_at_the_end_of_february() -> None:
    """1 month beginning with 30 January 2028: there is no 30 February, so it ends on the last
    day of February, the 29th (2028 is a leap year). Beginning with 29 January 2028 it ends
    the day before 29 February: 28 February."""
    assert due_date(D(2028, 1, 30), 1, "months", "beginning_with_event_day") == D(2028, 2, 29)
    assert due_date(D(2028, 1, 29), 1, "months", "beginning_with_event_day") == D(2028, 2, 28)


def test_a_year_after_29_february_ends_on_28_february() -> None:
    """1 year after 29 February 2028: 2029 has no 29 February, so 28 February 2029."""
    assert due_date(D(2028, 2, 29), 1, "years") == D(2029, 2, 28)


def test_a_year_after_1_december() -> None:
    """A CSO made 1 December 2026 must be reviewed within a year: by 1 December 2027."""
    assert due_date(D(2026, 12, 1), 1, "years", "not_stated") == D(2027, 12, 1)


# -- hours ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("hours", "days"), [(24, 1), (36, 2), (48, 2), (72, 3)])
def test_hours_end_on_the_latest_date_they_could(hours: int, days: int) -> None:
    """Only the date is known: an event at 23:59 on 6 March 2026 plus N hours ends on the
    6th plus ceil(N/24) days (24 h: the 7th; 36 h: the 8th)."""
    assert due_date(D(2026, 3, 6), hours, "hours", "from_event_time") == \
        D(2026, 3, 6) + dt.timedelta(days=days)


# -- minimums ------------------------------------------------------------------------------


def test_thirteen_weeks_minimum_allows_the_order_on_the_91st_day() -> None:
    """ACSA 2007 s.15(3): the child's home was with the adopters at all times during the 13
    weeks before the order. Placed Monday 1 June 2026: the 13 weeks before an order on Monday
    31 August are 1 June - 30 August, all with the adopters; an order on 30 August would need
    31 May too. Earliest: 31 August 2026."""
    assert earliest_date(D(2026, 6, 1), 13, "weeks", "beginning_day_after_event") == \
        D(2026, 8, 31)


def test_minimum_beginning_with_event_day_allows_the_day_after_it_ends() -> None:
    """A 7-day period beginning with 2 March 2026 ends on 8 March; the step may be on 9 March,
    the same day as 7 days *after* 2 March."""
    assert earliest_date(D(2026, 3, 2), 7, "days", "beginning_with_event_day") == D(2026, 3, 9)
    assert earliest_date(D(2026, 3, 2), 7, "days", "not_stated") == D(2026, 3, 9)


def test_hours_minimum_uses_the_earliest_possible_end() -> None:
    """36 hours from an event at 00:00 on 6 March end at 12:00 on the 7th."""
    assert earliest_date(D(2026, 3, 6), 36, "hours", "from_event_time") == D(2026, 3, 7)


# -- vectorised twins ----------------------------------------------------------------------


def _naive_nth_working_day_after(start: dt.date, n: int) -> dt.date:
    day, count = start, 0
    while count < n:
        day += dt.timedelta(days=1)
        if day.weekday() < 5 and (day.month, day.day) not in {(12, 25), (12, 26), (1, 1),
                                                                (1, 2)}:
            count += 1
    return day


def test_vectorised_working_days_match_counting_day_by_day() -> None:
    """Every start from 1 December 2026 to 31 January 2029, 1 to 10 WDs: the numpy version
    agrees with walking the calendar a day at a time under s.202(1)."""
    starts = np.arange(np.datetime64("2026-12-01"), np.datetime64("2029-02-01"))
    for n in range(1, 11):
        got = due_dates(starts, n, "working_days", "beginning_day_after_event")
        want = [_naive_nth_working_day_after(s.astype(dt.date), n) for s in starts]
        assert [g.astype(dt.date) for g in got] == want


def test_vectorised_functions_pass_missing_dates_through() -> None:
    """A case with no start date has no due date."""
    starts = np.array(["2026-03-06", "NaT"], dtype="datetime64[D]")
    assert np.isnat(due_dates(starts, 2, "working_days")[1])
    assert np.isnat(earliest_dates(starts, 1, "months")[1])
    assert np.isnat(due_dates(starts, 1, "months", "beginning_with_event_day")[1])


# -- what the calendar refuses -------------------------------------------------------------


@pytest.mark.parametrize(("limit", "unit"), [(1.5, "months"), (2.5, "working_days"),
                                             (0, "days"), (3, "fortnights")])
def test_periods_the_law_does_not_count_are_refused(limit: float, unit: str) -> None:
    with pytest.raises(CalendarError):
        due_date(D(2026, 3, 6), limit, unit)


def test_unknown_counting_is_refused() -> None:
    with pytest.raises(CalendarError):
        due_date(D(2026, 3, 6), 2, "days", "sometime")


def test_dates_outside_the_holiday_list_are_refused() -> None:
    """Beyond the years the 25/26 December and 1/2 January list covers, no silent answer."""
    with pytest.raises(CalendarError):
        due_date(D(2301, 1, 5), 2, "working_days")
