"""Commands of the LaTeX and team workflow: ``latexmkrc``, ``watch``, ``merge-driver``, ``git-setup``."""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

import click

from citetool.cli.output import error, info, warn
from citetool.cli.state import PathParam, State
from citetool.errors import CitetoolError, ExitCode


def _citetool_command() -> list[str]:
    """How another program runs this citetool: its script when that is what runs, else ``python -m citetool``."""
    script = Path(sys.argv[0])
    if script.name == "citetool" and script.is_file():
        return [str(script.resolve())]
    return [sys.executable, "-m", "citetool"]


@click.command(short_help="Print a .latexmkrc snippet: latexmk builds from the library.")
@click.option("--engine", type=click.Choice(["pdflatex", "lualatex", "xelatex"]), default="pdflatex",
              show_default=True, help="The LaTeX engine latexmk runs.")  # fmt: skip
@click.pass_obj
def latexmkrc(state: State, engine: str) -> None:
    """Print lines for .latexmkrc so that `latexmk -pdf paper` works from the library.

    After each LaTeX run the cited entries are written to the .bib file the
    document names (\\bibliography{refs} -> refs.bib, \\addbibresource), with
    BibTeX or biber alike; a cited key the library lacks stops the build,
    naming it; an edit of the library makes the next latexmk run rebuild.

    \b
    Examples:
      citetool latexmkrc >> .latexmkrc && latexmk -pdf paper
    """
    from citetool.tex import latexmk

    library = state.library_path.expanduser().absolute()
    click.echo(latexmk.snippet(_citetool_command(), library, engine), nl=False)


@click.command(short_help="Keep a document's .bib in sync with the library.")
@click.argument("cites", metavar="PAPER.aux|PAPER.bcf", type=PathParam())
@click.option("--output", "-o", type=PathParam(), help="The .bib to write (default: the one the document names).")
@click.option("--format", "format_name", type=click.Choice(["bibtex", "biblatex"]),
              help="bibtex for a .aux, biblatex for a .bcf, unless given.")  # fmt: skip
@click.option("--once", is_flag=True, help="Write once (only if the bytes change) and exit; for build tools.")
@click.option("--force", is_flag=True, help="Replace the .bib the document names even if citetool did not write it.")
@click.pass_obj
def watch(state: State, cites: Path, output: Path | None, format_name: str | None, once: bool, force: bool) -> None:
    """Re-export the cited entries whenever the library or the .aux/.bcf changes; Ctrl-C ends it.

    Writes atomically, and only when the bytes would change, so latexmk's own
    watcher (-pvc) does not loop.  A cited key missing from the library is
    reported and nothing is written until it is there.  The file a document
    names must be a .bib in its folder or below; one that citetool did not
    write (its first line says so) is never replaced without --force.

    A cited work that kept `check --retractions` answers or the Retraction
    Watch CSV (setting retraction_watch) say is retracted or under concern
    gets a warning line on stderr; the network is never asked.

    \b
    Examples:
      citetool watch paper.aux
      citetool watch paper.bcf -o refs.bib
    """
    from citetool.actions import syncing

    if once:
        synced = syncing.sync(state.library_path, cites, output, format_name, force)
        if synced.written:
            info(f"wrote {synced.entries} entries to {synced.path}")
        for alert in synced.alerts:
            warn(alert)
        return
    said: tuple[str, ...] = ()

    def report(outcome: syncing.Synced | CitetoolError) -> None:
        nonlocal said
        if isinstance(outcome, CitetoolError):
            error(outcome)
            return
        if outcome.written:
            info(f"wrote {outcome.entries} entries to {outcome.path}")
        if outcome.alerts != said:  # said again only when it changes, not at every save
            for alert in outcome.alerts:
                warn(alert)
            said = outcome.alerts

    info(f"watching {state.library_path} and {cites}; Ctrl-C ends")
    try:
        syncing.watch(state.library_path, cites, output, format_name, report, force=force)
    except KeyboardInterrupt:
        info("stopped watching")


@click.command(short_help="A language server over stdio: the library inside the editor.")
@click.option("--style", metavar="NAME", help="CSL style of hovers (default: the style setting, else apa).")
@click.pass_obj
def lsp(state: State, style: str | None) -> None:
    """Serve the Language Server Protocol on stdin/stdout for LaTeX and Markdown.

    Completion of citation keys (matched on key, authors, title, year, venue
    and DOI), hover (the reference in the CSL style), go to definition,
    diagnostics (unknown keys, kept retraction findings), rename (as
    `rename --tex`) and code actions (add a pasted DOI, arXiv ID, ISBN or
    PMID and cite it).  Editors start it themselves; see the README.

    \b
    Example (neovim):
      vim.lsp.start({name = "citetool", cmd = {"citetool", "lsp"}})
    """
    from citetool import config
    from citetool.cli.writing import make_sources
    from citetool.lsp.server import build

    chosen = style or config.resolve("style").value or "apa"
    library = state.library_path.expanduser().absolute()
    server = build(library, chosen, lambda: make_sources(config.checked("mailto")))
    server.start_io()


@click.command(name="merge-driver", short_help="Git merge driver for .bib files (entry by entry).")
@click.argument("base", type=PathParam())
@click.argument("ours", type=PathParam())
@click.argument("theirs", type=PathParam())
@click.argument("name", required=False)
def merge_driver(base: Path, ours: Path, theirs: Path, name: str | None) -> None:
    """Merge .bib files entry by entry: git's %O %A %B (and %P, the file's name); the result replaces %A.

    Exits 1 (git then reports a conflict) when an entry conflicts: the same
    field changed two ways, an entry edited on one side and removed on the
    other, or two keys that differ only in case; only that entry is written
    between conflict markers.  Set it up with `citetool git-setup`.

    \b
    Examples:
      git config merge.citetool.driver 'citetool merge-driver %O %A %B %P'
    """
    from citetool.actions import merging

    label = name or str(ours)
    result = merging.merge_files(base, ours, theirs, name)
    if result.conflicts:
        shown = ", ".join(result.conflicts[:10]) + (" ..." if len(result.conflicts) > 10 else "")
        error(f"{label}: {len(result.conflicts)} entries conflict ({shown}); resolve them between the markers")
    if result.text_conflicts:
        error(f"{label}: text between entries conflicts; resolve it between the markers")
    if result.conflicts or result.text_conflicts:
        sys.exit(int(ExitCode.FAILURE))


def _git(*args: str, cwd: Path | None = None) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=60)
    except OSError as exc:
        raise CitetoolError(f"git cannot be run ({exc.strerror}); is it installed?") from exc
    if done.returncode != 0:
        raise CitetoolError(f"git {' '.join(args[:2])}: {(done.stderr.strip().splitlines() or ['failed'])[-1]}")
    return done.stdout.strip()


ATTRIBUTE = "*.bib merge=citetool"


@click.command(name="git-setup", short_help="Install citetool as git's merge driver for .bib files.")
@click.option("--global", "global_", is_flag=True, help="For every repository of this user, not just this one.")
def git_setup(global_: bool) -> None:
    """Write the `*.bib merge=citetool` attribute and the merge.citetool driver config.

    In this repository: .gitattributes at its top and .git/config.  With
    --global: your global attributes file (core.attributesFile, else
    ~/.config/git/attributes) and ~/.gitconfig.

    \b
    Examples:
      citetool git-setup && git add .gitattributes
      citetool git-setup --global
    """
    scope = ["--global"] if global_ else []
    if global_:
        configured = subprocess.run(["git", "config", "--global", "core.attributesFile"], capture_output=True,
                                    text=True).stdout.strip()  # fmt: skip
        import os

        default = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "git" / "attributes"
        attributes = Path(configured).expanduser() if configured else default
    else:
        attributes = Path(_git("rev-parse", "--show-toplevel")) / ".gitattributes"
    driver = " ".join(shlex.quote(word) for word in _citetool_command()) + " merge-driver %O %A %B %P"
    _git("config", *scope, "merge.citetool.name", "citetool: .bib files merged entry by entry")
    _git("config", *scope, "merge.citetool.driver", driver)
    lines = attributes.read_text(encoding="utf-8").splitlines() if attributes.is_file() else []
    if ATTRIBUTE not in (line.strip() for line in lines):
        from citetool.library import storage

        attributes.parent.mkdir(parents=True, exist_ok=True)
        storage.write_atomic(attributes, ("\n".join([*lines, ATTRIBUTE]) + "\n").encode("utf-8"))
        info(f"added '{ATTRIBUTE}' to {attributes}")
    info(f"merge.citetool.driver = {driver} ({'global' if global_ else 'this repository'})")
