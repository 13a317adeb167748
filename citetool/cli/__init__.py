"""The command-line interface: parse arguments, call one domain function, render.

Only this package imports click and rich.  ``app`` holds the root group and
the failure-to-exit-code mapping, ``state`` what the root options leave for
the commands, ``output`` the printing rules, and the commands live in
``reading`` (show, export, check, config) and ``writing`` (add, find,
update, import, remove), imported only when one of theirs runs.
"""
