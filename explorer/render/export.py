"""One entry point for every export format (used by the CLI and the app)."""

from __future__ import annotations

from explorer.graph import flow_graph
from explorer.model.flowset import FlowSet
from explorer.model.problems import FlowError

FORMATS: tuple[str, ...] = ("html", "mermaid", "graphml", "json")
SUFFIX: dict[str, str] = {"html": ".html", "mermaid": ".mmd", "graphml": ".graphml",
                          "json": ".json"}
MIME: dict[str, str] = {"html": "text/html", "mermaid": "text/plain",
                        "graphml": "application/xml", "json": "application/json"}


def export_text(fs: FlowSet, flow_id: str, fmt: str) -> str:
    """The flow (or ``"all"``) in ``fmt``; FlowError for an unknown flow or format."""
    G = flow_graph(fs, flow_id)
    flows = fs.flows
    if fmt == "html":
        from explorer.render.vis import MapOptions, map_html
        from explorer.views.variants import declared_variant_marks

        # A local variant's map marks what differs from its national flow, as in the app.
        marks = declared_variant_marks(flows, flow_id, fs.sources)
        return map_html(G, flows, MapOptions(standalone=True, sources=dict(fs.sources),
                                             diff=marks))
    if fmt == "mermaid":
        from explorer.render.mermaid import to_mermaid

        return to_mermaid(G, flows)
    if fmt == "graphml":
        from explorer.render.graphml import to_graphml

        return to_graphml(G)
    if fmt == "json":
        from explorer.render.jsonexport import to_json

        return to_json(G, flows)
    raise FlowError(f"unknown format '{fmt}'; choose one of {', '.join(FORMATS)}")
