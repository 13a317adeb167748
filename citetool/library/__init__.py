"""The library file on disk: reading it faithfully, changing only what must change.

``file`` is the :class:`~citetool.library.file.Library` and the locked,
atomic :func:`~citetool.library.file.edit`; ``index`` what a command needs to
know without reading every entry; ``storage`` atomic writes and the lock;
``caches`` what a library's exact bytes determine (index, table, exports).
"""
