"""How every page keeps its state: one declaration a page, one place for case data.

A page declares a :class:`PageState`: its name (the namespace of its widget keys) and
its fields, each either a deep-link URL parameter (shareable: ``flow``, ``step``,
``route``...) or session-only. Then

- ``STATE.key("step")`` is the session-state key of a field (``"map_step"``), the key
  its widget is given; a field the page did not declare is an error, and two pages can
  never share a key (each name is taken once, and a name has no ``_`` in it);
- ``STATE.read_url()`` gives the page's URL parameters once per visit of the page (the
  page puts them into its widgets' state), and nothing on the visit's later reruns, so a
  widget the user has changed is never set back from the address;
- ``STATE.write_url(step=...)`` puts the page's current choices in the address (or
  takes a parameter out), touching no other parameter;
- ``STATE.case_data`` is the one holder of private case data (an upload's bytes, the
  server-side ids of uploaded files): the navigation calls :func:`enter` on every run,
  and when the user goes to another page everything held there is forgotten, and the
  uploaded files are deleted from the server's memory at once.

What one session computes about an uploaded flow is kept by :func:`session_cached`.
Nothing here writes to disk or is shared between sessions: it all lives in
``st.session_state``.

>>> DEMO = PageState("demo", url=("flow", "step"), session=("view",))
>>> DEMO.key("step")
'demo_step'
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar, cast

import streamlit as st

T = TypeVar("T")

#: Session-state key of the mechanism's own book-keeping (the page on show, the pages
#: whose URL was read on this visit).
NAV_KEY = "_explorer_nav"
#: Session-state key of the case data held by pages (cleared on leaving the page).
CASE_KEY = "_explorer_case_data"
#: Session-state key of the session's own cache (an upload and what is built from it).
SESSION_CACHE = "_explorer_session_cache"
#: Entries one session keeps (maps for filters and searches, views, tables); the oldest go.
SESSION_CACHE_ENTRIES = 24

#: Every page name declared so far, with its declaration: a name is taken once.
_DECLARED: dict[str, PageState] = {}


@dataclass(frozen=True)
class PageState:
    """The state of one page: its name and its fields.

    ``url`` fields are deep-link parameters: read from the address once per visit
    (:meth:`read_url`) and written back (:meth:`write_url`); ``multi`` ones may be given
    more than once (``?aim=a&aim=b``). ``session`` fields live in this browser session only.
    A field's session-state key is ``"<page>_<field>"``.
    """

    page: str
    url: tuple[str, ...] = ()
    session: tuple[str, ...] = ()
    multi: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.page.isidentifier() or "_" in self.page:
            raise ValueError(f"a page's name is a word without '_': {self.page!r}")
        both = set(self.url) & set(self.session)
        if both:
            raise ValueError(f"{self.page}: a field is a URL parameter or session-only, "
                             f"not both: {sorted(both)}")
        if not set(self.multi) <= set(self.url):
            raise ValueError(f"{self.page}: a multi-valued field must be a URL parameter")
        known = _DECLARED.setdefault(self.page, self)
        if known != self:
            raise ValueError(f"two pages keep state under the name {self.page!r}")

    # -- keys and values ---------------------------------------------------------------

    def key(self, field: str, *parts: object) -> str:
        """The session-state (and widget) key of ``field``; ``parts`` make one key per
        item (a button per step): ``key("hit", "ird")`` is ``"<page>_hit_ird"``."""
        if field not in self.url and field not in self.session:
            raise KeyError(f"{self.page} declares no state field {field!r}")
        return "_".join((self.page, field, *map(str, parts)))

    @property
    def keys(self) -> Keys:
        """The keys by attribute: ``STATE.keys.step == STATE.key("step")``."""
        return Keys(self)

    def get(self, field: str, default: Any = None) -> Any:
        return st.session_state.get(self.key(field), default)

    def __getitem__(self, field: str) -> Any:
        return st.session_state[self.key(field)]

    def __setitem__(self, field: str, value: Any) -> None:
        st.session_state[self.key(field)] = value

    def __contains__(self, field: str) -> bool:
        return self.key(field) in st.session_state

    def pop(self, field: str, default: Any = None) -> Any:
        return st.session_state.pop(self.key(field), default)

    def setdefault(self, field: str, value: Any) -> Any:
        return st.session_state.setdefault(self.key(field), value)

    def keep_valid(self, field: str, options: list[Any] | tuple[Any, ...], default: Any
                   ) -> Any:
        """The field's value if it is one of ``options``, else ``default`` (stored): a
        choice kept from another flow must not reach a widget that lacks it."""
        if self.get(field) not in options:
            self[field] = default
        return self[field]

    # -- the address -------------------------------------------------------------------

    def read_url(self) -> dict[str, Any]:
        """The page's URL parameters given, on the first run of each visit of the page;
        ``{}`` on the visit's later runs. Empty values are left out; a ``multi`` field's
        value is a tuple of its non-empty values."""
        nav = _nav()
        read: set[str] = nav.setdefault("read", set())
        if self.page in read:
            return {}
        read.add(self.page)
        out: dict[str, Any] = {}
        for field in self.url:
            if field in self.multi:
                values = tuple(v for v in st.query_params.get_all(field) if v)
                if values:
                    out[field] = values
            elif value := self.url_value(field):
                out[field] = value
        return out

    def url_value(self, field: str) -> str | None:
        """A single URL parameter's value now (None when absent or empty)."""
        self._url_field(field)
        value = st.query_params.get(field)
        return value if isinstance(value, str) and value else None

    def url_values(self, field: str) -> list[str]:
        """A multi-valued URL parameter's non-empty values now."""
        self._url_field(field)
        return [v for v in st.query_params.get_all(field) if v]

    def write_url(self, **values: str | list[str] | None) -> None:
        """Set the named URL parameters (None or empty takes one out); others untouched.
        Only what changes is written, so an unchanged page does not touch the address."""
        for field, value in values.items():
            self._url_field(field)
            if value and isinstance(value, list):
                if st.query_params.get_all(field) != value:
                    st.query_params[field] = value
            elif value:
                if st.query_params.get(field) != value or len(
                        st.query_params.get_all(field)) > 1:
                    st.query_params[field] = value
            elif field in st.query_params:
                del st.query_params[field]

    def _url_field(self, field: str) -> None:
        if field not in self.url:
            raise KeyError(f"{self.page} declares no URL parameter {field!r}")

    # -- private case data -------------------------------------------------------------

    @property
    def case_data(self) -> CaseData:
        """The holder of this page's private case data (forgotten on leaving the page)."""
        return CaseData(self.page)


@dataclass(frozen=True)
class Keys:
    """A page's state keys by attribute (``keys.step``), each checked like
    :meth:`PageState.key`: for code that names many widgets, such as the explorer view."""

    state: PageState

    def __getattr__(self, field: str) -> str:
        return self.state.key(field)


@dataclass(frozen=True)
class CaseData:
    """A page's private case data: one value (what is on show) and the server-side ids of
    the files uploaded to the page. Held in this session only, and forgotten by
    :func:`enter` as soon as another page is shown."""

    page: str

    def get(self) -> Any:
        return _case_store()["values"].get(self.page)

    def put(self, value: Any) -> None:
        _case_store()["values"][self.page] = value

    def clear(self) -> None:
        """Forget the value and delete every file uploaded to the page."""
        _case_store()["values"].pop(self.page, None)
        self.forget_files()

    def keep_file(self, upload: Any) -> None:
        """Note the uploaded file on show (its id only, never its content) and delete from
        the server's memory any other file uploaded to this page."""
        file_id = getattr(upload, "file_id", None)
        if file_id is None:
            return
        self.forget_files(keep=file_id)
        _case_store()["files"][self.page] = (file_id,)

    def forget_files(self, keep: str | None = None) -> None:
        """Delete from the server's memory every file uploaded to the page but ``keep``.

        Streamlit keeps an uploaded file in its session's file store until the session
        ends, even once its uploader is gone; this removes it at once.
        """
        files: dict[str, tuple[str, ...]] = _case_store()["files"]
        ids = [i for i in files.get(self.page, ()) if i != keep]
        try:
            _remove_uploaded(ids)
        finally:
            files[self.page] = tuple(i for i in files.get(self.page, ()) if i == keep)


def enter(page: str) -> bool:
    """Called by the navigation on every run with the page on show. On a new visit (the
    page differs from the last run's), every page's case data is forgotten (it belongs to
    the page left) and each page's URL is read afresh. True on a new visit."""
    nav = _nav()
    if nav.get("page") == page:
        return False
    nav["page"] = page
    nav["read"] = set()
    forget_case_data()
    return True


def forget_case_data() -> None:
    """Forget the case data of every page, deleting their uploaded files."""
    store = _case_store()
    store["values"].clear()
    for page in list(store["files"]):
        CaseData(page).forget_files()


def session_cached(kind: str, key: tuple[object, ...], build: Callable[[], T]) -> T:
    """``build()`` once per ``(kind, key)`` in this session, in a small LRU cache in
    ``st.session_state``: it goes when the session goes, and holds one upload at a time
    (an entry of another upload digest is dropped when a new one arrives)."""
    cache: OrderedDict[tuple[object, ...], Any] = st.session_state.setdefault(
        SESSION_CACHE, OrderedDict())
    full = (kind, *key)
    if full in cache:
        cache.move_to_end(full)
        return cast(T, cache[full])
    digest = key[0] if key else None
    if isinstance(digest, str):
        for old in [k for k in cache if len(k) > 1 and k[1] != digest]:
            del cache[old]  # another upload: the session shows one at a time
    value = build()
    cache[full] = value
    while len(cache) > SESSION_CACHE_ENTRIES:
        cache.popitem(last=False)
    return value


def declared() -> Mapping[str, PageState]:
    """Every page state declared so far, by page name."""
    return dict(_DECLARED)


def _nav() -> dict[str, Any]:
    return cast(dict[str, Any], st.session_state.setdefault(NAV_KEY, {}))


def _case_store() -> dict[str, dict[str, Any]]:
    return cast(dict[str, dict[str, Any]],
                st.session_state.setdefault(CASE_KEY, {"values": {}, "files": {}}))


def _remove_uploaded(file_ids: list[str]) -> None:
    if not file_ids:
        return
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    remove = getattr(ctx.uploaded_file_mgr, "remove_file", None) if ctx else None
    if remove is not None and ctx is not None:
        for file_id in file_ids:
            remove(ctx.session_id, file_id)
