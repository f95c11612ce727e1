"""Renderers: a flow graph as an offline HTML map, Mermaid, GraphML or JSON.

Nothing here imports Streamlit; the UI and the CLI both call these.
"""
