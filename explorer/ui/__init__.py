"""The Streamlit app's pages and widgets: the only package that imports Streamlit.

Each page is one module with ``render(fs)``; :mod:`explorer.ui.pages` lists them.
"""
