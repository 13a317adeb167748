"""Reading a Zotero library straight from its database, without Zotero running.

:mod:`~citetool.zotero.database` opens ``zotero.sqlite`` read-only and
immutable and reads the regular items with their fields, creators, tags,
collections and PDF attachments, naming types and fields by the
database's own tables; :mod:`~citetool.zotero.mapping` holds Zotero's
item-to-CSL mapping; :mod:`~citetool.zotero.items` turns each item into the
CSL item Zotero itself would give (its ``itemToCSLJSON``) and then into an
entry; :mod:`~citetool.zotero.extra` reads the ``Extra`` field's lines as
Zotero and Better BibTeX do; :mod:`~citetool.zotero.keys` finds the
citation keys Zotero 8 or Better BibTeX keep.
"""
