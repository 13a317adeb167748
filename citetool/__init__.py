"""citetool: a command-line bibliography manager for LaTeX writers.

The package is a small domain library (library file, Crossref client,
format writers) with a thin click layer on top in :mod:`citetool.cli`.
"""

__version__ = "0.1.0"
