"""The graph layer: flows as networkx graphs (one per flow and the whole-system union
``all``), and the graph algorithms the layers above share.
"""

from explorer.graph.algorithms import closing_join, post_dominators
from explorer.graph.build import (
    ALL,
    build_flow_graph,
    dag,
    flow_graph,
    flow_of,
    flow_timescales,
    outcomes,
    resolve_step,
    starts,
    step_id,
    system_flow_ids,
    timescales_between,
    transition_timescale,
)
from explorer.graph.stages import flow_links, flow_order, stage_index, system_stages

__all__ = [
    "ALL", "build_flow_graph", "closing_join", "dag", "flow_graph", "flow_links", "flow_of",
    "flow_order", "flow_timescales", "outcomes", "post_dominators", "resolve_step",
    "stage_index", "starts", "step_id", "system_flow_ids", "system_stages", "timescales_between",
    "transition_timescale",
]
