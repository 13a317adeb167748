"""The root command group, its shared state, and the mapping of failures to exit codes.

Every :class:`CitetoolError` becomes a one-line message and its exit code in
:meth:`Group.invoke`, the one place where that happens; :func:`main` turns
anything unexpected into one line and exit 70.

The commands are loaded lazily, as click's documentation on lazily loading
subcommands describes: :data:`COMMANDS` names where each one lives, and only
the module of the command being run is imported.  ``citetool --version`` thus
costs little more than importing click, and ``show`` never imports the
modules behind ``add``.
"""

from __future__ import annotations

import importlib
import os
import signal
import sys
from typing import Any, NoReturn

import click

from citetool import __version__, config
from citetool.cli.output import error
from citetool.cli.state import State, complete_files
from citetool.errors import CitetoolError, ExitCode


class _Reported(click.ClickException):
    """A :class:`CitetoolError` on its way out through click."""

    def __init__(self, error: CitetoolError) -> None:
        super().__init__(str(error))
        # click declares exit_code a class variable; each error carries its own.
        self.exit_code = int(error.exit_code)  # type: ignore[misc]

    def show(self, file: Any = None) -> None:
        error(self.message)


#: Each command's name and where it is defined (``module:attribute``).
COMMANDS: dict[str, str] = {
    "add": "citetool.cli.writing:add",
    "check": "citetool.cli.reading:check",
    "config": "citetool.cli.reading:config_command",
    "export": "citetool.cli.reading:export",
    "find": "citetool.cli.writing:find",
    "git-setup": "citetool.cli.workflow:git_setup",
    "import": "citetool.cli.writing:import_command",
    "latexmkrc": "citetool.cli.workflow:latexmkrc",
    "lsp": "citetool.cli.workflow:lsp",
    "merge-driver": "citetool.cli.workflow:merge_driver",
    "protect": "citetool.cli.writing:protect",
    "remove": "citetool.cli.writing:remove",
    "rekey": "citetool.cli.writing:rekey",
    "rename": "citetool.cli.writing:rename",
    "show": "citetool.cli.reading:show",
    "update": "citetool.cli.writing:update",
    "upgrade": "citetool.cli.writing:upgrade",
    "watch": "citetool.cli.workflow:watch",
}


class Group(click.Group):
    """The root group: loads commands on demand and maps every :class:`CitetoolError` to its exit code."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        where = COMMANDS.get(cmd_name)
        if where is None:
            return None
        module, attribute = where.split(":")
        command = getattr(importlib.import_module(module), attribute)
        if not isinstance(command, click.Command):
            raise TypeError(f"{where} is not a click command")
        return command

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            # Raised past click, which would print "Aborted!" and exit 1: Ctrl-C is exit 130.
            raise _Interrupted from None
        except BrokenPipeError:
            # The reader went away (`citetool show --json | head`): not an error, and nothing to say.
            # Caught here, before click's own handler, which would exit 1.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            raise click.exceptions.Exit(ExitCode.OK) from None
        except CitetoolError as error:
            if config.debug():
                raise
            raise _Reported(error) from error


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 120})
@click.option(
    "--library",
    "-l",
    "library_flag",
    metavar="PATH",
    shell_complete=complete_files,
    help="Library file (default: $CITETOOL_LIBRARY, the config file, or ./library.bib).",
)
@click.version_option(__version__, prog_name="citetool")
@click.pass_context
def cli(ctx: click.Context, library_flag: str | None) -> None:
    """citetool: exact BibTeX from DOIs, a library file that is never damaged.

    \b
    Examples:
      citetool add 10.1177/23477970251383994
      citetool show
      citetool export --aux paper.aux > refs.bib
    """
    ctx.obj = State(library_flag=library_flag)


class _Terminated(BaseException):
    """SIGTERM, raised where the process is, so that ``finally`` blocks remove temporary files."""


class _Interrupted(BaseException):
    """Ctrl-C on its way out past click."""


def _on_sigterm(signum: int, frame: Any) -> None:
    _ignore_signals()
    raise _Terminated


def _on_sigint(signum: int, frame: Any) -> None:
    _ignore_signals()
    raise KeyboardInterrupt


def _ignore_signals() -> None:
    """After the first Ctrl-C or SIGTERM, more of them change nothing: the cleanup under way (``finally``
    blocks removing a temporary file) must not itself be interrupted, and no traceback is ever printed."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)


def _leave(message: str, code: ExitCode) -> NoReturn:
    """Say ``message`` and end the process now, without waiting for threads still at work (a lookup held up
    by a slow server, V8 rendering): everything that had to be cleaned up was, as the exception rose."""
    _ignore_signals()
    try:
        click.echo(f"citetool: {message}", err=True)
        sys.stdout.flush()
    except (OSError, ValueError):
        pass
    sys.stderr.flush()
    os._exit(code)


def _signal_inside(exc: BaseException) -> tuple[str, ExitCode] | None:
    """The interrupt or termination an exception was raised for, if its causes hold one."""
    seen: set[int] = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        if isinstance(cause, _Terminated):
            return "terminated", ExitCode.TERMINATED
        if isinstance(cause, (KeyboardInterrupt, _Interrupted)):
            return "interrupted", ExitCode.INTERRUPTED
        cause = cause.__cause__ or cause.__context__
    return None


def main() -> NoReturn:
    """Entry point: run the CLI; turn anything unexpected into one line and exit 70."""
    signal.signal(signal.SIGTERM, _on_sigterm)
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:  # not when started with Ctrl-C ignored
        signal.signal(signal.SIGINT, _on_sigint)
    try:
        cli.main(prog_name="citetool")
    except (KeyboardInterrupt, _Interrupted):
        _leave("interrupted", ExitCode.INTERRUPTED)
    except _Terminated:
        _leave("terminated", ExitCode.TERMINATED)
    except BrokenPipeError:
        # The reader went away (`citetool show | head`): not an error.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(ExitCode.OK)
    except Exception as exc:  # anything not a CitetoolError is a bug: one line, no traceback
        signalled = _signal_inside(exc)
        if signalled is not None:  # a signal raised inside code that wraps what it catches (a class being made)
            _leave(*signalled)
        if config.debug():
            raise
        click.echo(
            f"citetool: internal error: {type(exc).__name__}: {exc} (set CITETOOL_DEBUG=1 for a traceback)",
            err=True,
        )
        sys.exit(ExitCode.INTERNAL)
    sys.exit(ExitCode.OK)
