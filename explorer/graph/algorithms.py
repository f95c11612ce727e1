"""Graph algorithms over flow graphs that more than one layer needs: the join that closes a
parallel (post-dominators), used by the checks, the analysis and the tracker.

>>> import networkx as nx
>>> D = nx.DiGraph([("p", "a"), ("p", "b"), ("a", "j"), ("b", "j"), ("j", "end")])
>>> D.nodes["j"]["kind"] = "join"
>>> closing_join(D, "p")
'j'
"""

from __future__ import annotations

import networkx as nx

#: A virtual node after every end, so that a graph with several ends has one exit.
_EXIT = "__exit__"


def closing_join(D: nx.DiGraph, parallel: str, ipdom: dict[str, str] | None = None
                 ) -> str | None:
    """The join that closes ``parallel``: its nearest post-dominator of kind ``join``.

    ``D`` is a flow graph without repeat edges. Every route from the parallel to any
    end passes through the returned join; None if no join does.
    """
    if ipdom is None:
        ipdom = post_dominators(D)
    node = ipdom.get(parallel)
    while node is not None and node != _EXIT:
        if D.nodes[node].get("kind") == "join":
            return node
        nxt = ipdom.get(node)
        node = None if nxt == node else nxt
    return None


def post_dominators(D: nx.DiGraph) -> dict[str, str]:
    """Immediate post-dominators of every node of an acyclic flow graph."""
    R = nx.DiGraph()
    R.add_nodes_from(D.nodes)
    R.add_node(_EXIT)
    R.add_edges_from((v, u) for u, v in D.edges)
    for n in D.nodes:
        if D.out_degree(n) == 0:
            R.add_edge(_EXIT, n)
    return nx.immediate_dominators(R, _EXIT)
