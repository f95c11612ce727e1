"""A local variant beside its national flow: which flow it varies, and the diff as a table.

>>> from explorer.io.load import load_flows
>>> from explorer.analysis.diff import diff_flows
>>> fs = load_flows()
>>> diff_frame(diff_flows(fs.flows["permanence"], fs.flows["permanence"])).empty
True
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from explorer.analysis.diff import FlowDiff
from explorer.model import Flow

#: How each kind of change and item reads in the table.
CHANGE_WORDS = {"added": "Added", "removed": "Removed", "changed": "Changed"}
ITEM_WORDS = {"step": "Step", "transition": "Transition", "timescale": "Time limit"}
COLUMNS = ["Change", "What", "Item", "Field", "National flow", "This flow"]


def national_of(flows: Mapping[str, Flow], flow: Flow) -> Flow | None:
    """The national flow a flow varies: the one its ``variant_of`` names, else the one with
    its id (an uploaded copy replaces a shipped flow of the same id). None if neither."""
    if flow.variant_of and flow.variant_of in flows:
        return flows[flow.variant_of]
    other = flows.get(flow.id)
    return other if other is not None and other is not flow else None


def diff_frame(d: FlowDiff) -> pd.DataFrame:
    """One row per added or removed item, and one per changed field of a changed item."""
    rows = []
    for c in d.changes:
        base = {"Change": CHANGE_WORDS[c.change], "What": ITEM_WORDS[c.item], "Item": c.name}
        if c.fields:
            rows += [{**base, "Field": f.field, "National flow": f.a, "This flow": f.b}
                     for f in c.fields]
        else:
            rows.append({**base, "Field": "", "National flow": "", "This flow": ""})
    return pd.DataFrame(rows, columns=COLUMNS)
