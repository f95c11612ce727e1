"""``python -m explorer``: the same as the ``permanence-explorer`` command."""

from explorer.cli import main

raise SystemExit(main())
