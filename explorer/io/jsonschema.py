"""The JSON Schemas of the flow files, generated from the pydantic models.

Flows name their schema on their first line (``# yaml-language-server:
$schema=schema/flow.schema.json``) so that editors complete and check as authors type.

>>> sorted(json_schemas())
['flow', 'glossary', 'sources']
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from explorer.model import Flow, Glossary, Sources

SCHEMA_FILES = {"flow": "flow.schema.json", "sources": "sources.schema.json",
                "glossary": "glossary.schema.json"}


def json_schemas() -> dict[str, dict[str, Any]]:
    """The three schemas: a flow file, ``sources.yaml`` and ``glossary.yaml``."""
    out = {}
    for key, model in (("flow", Flow), ("sources", Sources), ("glossary", Glossary)):
        schema = model.model_json_schema(by_alias=True, mode="validation")
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["$id"] = SCHEMA_FILES[key]
        out[key] = schema
    return out


def write_schemas(folder: Path) -> list[Path]:
    """Write the schemas into ``folder`` (created if missing); returns the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for key, schema in json_schemas().items():
        path = folder / SCHEMA_FILES[key]
        path.write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n",
                        encoding="utf-8")
        written.append(path)
    return written
