"""BibTeX itself: the syntax of a ``.bib`` file and what its entries mean.

``entry`` is an entry as written (fields are BibTeX value expressions);
``blocks``, ``scanner``, ``splitter`` and ``parse`` turn text into blocks that
remember their spans; ``source`` writes entries back.  ``latex``, ``names``,
``dates`` and ``pages`` read field values as a person would, and ``work``
puts them together into the one model of what an entry means, which every
command that shows or converts entries reads.  ``keys`` makes citation keys.
"""
