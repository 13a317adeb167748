r"""The latexmkrc snippet that makes ``latexmk -pdf`` build a document's bibliography from the library.

latexmk runs BibTeX or biber only when the ``.bib`` file the document names
exists, and reruns the document only when one of its known sources changed.
So the snippet wraps the LaTeX run (latexmk's documented ``internal``
command form): after each run of pdflatex it calls ``citetool watch --once``,
which writes the cited entries into the file the ``.aux`` or ``.bcf`` names
(only when its bytes would change), before latexmk looks for it.  And the
run's ``$pre_tex_code`` opens the library for reading (``\openin``, which
reads nothing), so TeX's ``.fls`` lists it among the run's inputs and latexmk
reruns when it changes.  (``rdb_ensure_file`` does not survive latexmk's
reading of the ``.fls`` after the run, which replaces the rule's sources.)  A key the library lacks makes
citetool exit 1 naming it, and the internal command's failure stops the build.
"""

from __future__ import annotations

import re
from pathlib import Path

from citetool.errors import UsageError

#: latexmk's ``$pdf_mode`` for each engine.
PDF_MODES = {"pdflatex": 1, "lualatex": 4, "xelatex": 5}
#: TeX code that opens the library for reading and closes it: TeX's .fls then lists it as an input.
OPEN_LIBRARY = r"\immediate\openin15={library} \immediate\closein15 "
_TEX_PATH = re.compile(r"[A-Za-z0-9/._+\-]+")


def _perl(text: str) -> str:
    """``text`` as a single-quoted Perl string."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def snippet(command: list[str], library: Path, engine: str = "pdflatex") -> str:
    """The lines to append to ``.latexmkrc``; ``command`` runs citetool, ``library`` is the library's path.

    :class:`UsageError` for a library path that TeX could not open as written (spaces, ``%``, braces...).
    """
    if not _TEX_PATH.fullmatch(str(library)):
        raise UsageError(f"{library}: TeX cannot open a path with spaces or TeX specials; "
                         "move the library or link it from a plain path, and pass that with --library")  # fmt: skip
    words = ", ".join(_perl(word) for word in command)
    opener = _perl(OPEN_LIBRARY.format(library=library))
    return f"""# citetool: the .bib this document names is written from {library} after each LaTeX run,
# before latexmk looks for it; TeX opens the library, so latexmk sees it as a source and an edit of it rebuilds.
# (made by `citetool latexmkrc`)
$pdf_mode = {PDF_MODES[engine]};
$pre_tex_code .= {opener};
${engine} = 'internal citetool_latex %Y%R {engine} %O %P';
sub citetool_latex {{
    my $base = shift;
    my $status = system @_;
    my $cites = -e "$base.bcf" ? "$base.bcf" : "$base.aux";
    return $status if !-e $cites;
    my $synced = system({words}, '--library', {_perl(str(library))}, 'watch', '--once', $cites);
    return $status ? $status : $synced;
}}
"""
