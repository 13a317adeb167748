"""What a LaTeX document asks of the library: the keys its ``.aux`` or ``.bcf`` cites."""
