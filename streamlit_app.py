"""Permanence Explorer: the Streamlit entry point (navigation only).

Run with ``make run`` or ``streamlit run streamlit_app.py``. The pages live in
``explorer/ui/``; see :mod:`explorer.ui.pages`.
"""

from __future__ import annotations

import streamlit as st

from explorer.ui.app import build_navigation
from explorer.ui.offline import keep_offline

keep_offline()  # before anything can ask Streamlit for its addresses (see explorer.ui.offline)

st.set_page_config(page_title="Permanence Explorer",
                   layout="wide")
build_navigation().run()
