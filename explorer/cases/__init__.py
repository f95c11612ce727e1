"""The cases layer: the law's calendar, reading caseloads, and tracking cases against
the timescales.
"""
