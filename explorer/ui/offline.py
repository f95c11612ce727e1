"""Keep the Streamlit server on this machine: no look-up of its own addresses outside.

Streamlit's WebSocket origin check (``is_url_from_allowed_origins``) and its start-up
banner find the machine's addresses by asking outside: the "external" address with an
HTTP request to ``checkip.amazonaws.com``, the "internal" one by a UDP ``connect`` towards
``8.8.8.8``. A page on any other site could make the server do both, just by opening a
WebSocket to it. No configuration option turns them off, so the two results are given
in advance: the loopback address, which the origin check allows anyway (``localhost``
and ``127.0.0.1`` come first in its list), so nothing is allowed that was not before.

:func:`keep_offline` runs before the server starts under ``python -m explorer.ui.serve``
(what ``make run`` uses) and again at the top of ``streamlit_app.py``.
"""

from __future__ import annotations

LOOPBACK = "127.0.0.1"


def keep_offline() -> None:
    """Give Streamlit its internal and external address so it never looks them up.

    >>> keep_offline()
    >>> from streamlit import net_util
    >>> net_util.get_external_ip(), net_util.get_internal_ip()
    ('127.0.0.1', '127.0.0.1')
    """
    from streamlit import net_util

    # Both functions return these module globals when set, before any network call.
    net_util._external_ip = LOOPBACK
    net_util._internal_ip = LOOPBACK
