"""Permanence Explorer: Scotland's child care and protection and permanence processes as flows.

The core (everything in this package but ``explorer.ui``) imports no Streamlit.
"""

__version__ = "0.1.0"
