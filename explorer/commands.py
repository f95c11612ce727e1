"""The analysis, export and tracking commands of the CLI, registered on import.

Each command is a thin wrapper: parse, call the core, print. Keeping them here keeps
``cli.py`` to the parser and the error handling.
"""

from __future__ import annotations

import explorer.cli_analysis
import explorer.cli_export  # noqa: F401
import explorer.cli_track as cli_track  # noqa: F401  (registers "track")
