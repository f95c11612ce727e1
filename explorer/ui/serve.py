"""``python -m explorer.ui.serve [streamlit options]``: run the app, offline from the start.

The same as ``streamlit run streamlit_app.py [options]``, except that
:func:`explorer.ui.offline.keep_offline` runs before the server accepts its first
connection (``streamlit run`` imports the app only when a page is first opened).
``make run`` uses it.
"""

from __future__ import annotations

import sys
from pathlib import Path

from explorer.ui.offline import keep_offline


def app_path() -> Path:
    """``streamlit_app.py`` of the current folder (a deployment), else of this checkout."""
    here = Path.cwd() / "streamlit_app.py"
    return here if here.is_file() else Path(__file__).resolve().parents[2] / "streamlit_app.py"


def main(argv: list[str] | None = None) -> None:
    keep_offline()
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", str(app_path()),
                *(sys.argv[1:] if argv is None else argv)]
    cli.main()


if __name__ == "__main__":
    main()
