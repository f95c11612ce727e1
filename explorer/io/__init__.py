"""The io layer: safe YAML with line marks, loading a folder of flows, the semantic
checks, the JSON Schema, and the one neutralising writer of downloaded tables.
"""
