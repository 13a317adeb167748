"""What each command does, as plain functions the CLI calls: add, export, import, remove, update, check, search, show.

Each module takes paths and domain objects and returns a report; none
imports click or rich, so every action can be called and tested without a
terminal.
"""
