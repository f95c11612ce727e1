"""The views layer: tables and series built for the pages and the command line (the
Routes page's tables), in the words users read.
"""
