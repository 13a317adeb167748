"""``citetool lsp``: a Language Server Protocol server over stdio (pygls) for LaTeX and Markdown documents.

Completion inside citation commands and after ``@`` (matched on key,
authors, title words, year, venue and DOI over the whole library and the
``.bib`` files the document names), hover (the reference as the document's
CSL style prints it), go to definition (the entry's line), diagnostics (keys
the library lacks, with did-you-mean; kept ``check --retractions`` findings),
rename (``citetool rename --tex`` as one WorkspaceEdit) and code actions (add
a pasted DOI, arXiv ID, ISBN or PMID and cite it; replace an unknown key by a
near one).  The library is written only by rename and the add action, both
through the guarded writer.  A failure in one request is an LSP error or a
logged message for that request alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from citetool import __version__
from citetool.errors import CitetoolError, UsageError, suggest
from citetool.lsp import citations
from citetool.lsp.index import Index, Item

#: Documents bigger than this get no diagnostics (they are still completed and hovered on).
MAX_DIAGNOSED_CHARS = 8 * 2**20
ADD_COMMAND = "citetool.addAndCite"
#: Unknown keys of one document that get a did-you-mean.
MAX_SUGGESTED = 5
_BIBLIOGRAPHY = re.compile(r"\\(?:bibliography|addbibresource|addglobalbib)(?:\[[^\]]*\])?\{([^}]*)\}")
_TOKEN = re.compile(r"[^\s{}\[\](),;\"'<>]+")


class CitetoolServer(LanguageServer):
    """The server and what it keeps between requests."""

    def __init__(self, library: Path, style: str, sources: Callable[[], Any] | None) -> None:
        super().__init__("citetool", __version__)
        self.library_path = library
        self.style = style
        self.make_sources = sources
        self.index = Index()
        self.rendered: dict[tuple[str, str], str] = {}
        # citeproc-js (mini-racer) will not run under a running asyncio loop, which is where pygls calls the
        # handlers: it runs in a thread of its own, always the same one.
        self.renderer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="citeproc")

    # -- documents ---------------------------------------------------------------------------------

    def document(self, uri: str) -> tuple[str, Path | None, bool]:
        """The text the editor holds for ``uri``, its path, and whether it is Markdown."""
        doc = self.workspace.get_text_document(uri)
        path = to_fs_path(uri)
        return doc.source, Path(path) if path else None, citations.is_markdown(uri)

    def bib_paths(self, text: str, path: Path | None) -> list[Path]:
        """The library, then the ``.bib`` files the document names (that exist, beside it or below)."""
        found = [self.library_path]
        folder = path.parent if path is not None else Path.cwd()
        for match in _BIBLIOGRAPHY.finditer(text[:1_000_000]):
            for name in match.group(1).split(","):
                name = name.strip()
                if not name:
                    continue
                candidate = (folder / (name if name.lower().endswith(".bib") else name + ".bib")).resolve()
                if candidate.is_file() and candidate not in found and candidate.stat().st_size < 256 * 2**20:
                    found.append(candidate)
        return found

    def lookup(self, uri: str, key: str) -> Item | None:
        text, path, _markdown = self.document(uri)
        entries = self.index.entries(self.bib_paths(text, path))
        return entries.get(key) or next((item for name, item in entries.items() if name.lower() == key.lower()), None)

    def reference(self, item: Item) -> str:
        """The entry as the style prints it (citeproc-js, as ``export -f text``), kept until the file changes."""
        lib = self.index.library(item.path)
        stamp = str(item.path.stat().st_mtime_ns) if item.path.exists() else ""
        cached = self.rendered.get((item.key, stamp))
        if cached is not None:
            return cached
        text = item.detail
        if lib is not None:
            from citetool.actions import exporting

            try:
                rendered = self.renderer.submit(exporting.export, lib, "text", keys=[item.key], style=self.style)
                text = rendered.result().text.strip() or text
            except CitetoolError as exc:
                self.window_log_message(types.LogMessageParams(types.MessageType.Warning, str(exc)))
        self.rendered[(item.key, stamp)] = text
        return text

    def markdown(self, item: Item) -> str:
        parts = [self.reference(item)]
        if item.doi:
            parts.append(f"[https://doi.org/{item.doi}](https://doi.org/{item.doi})")
        parts.append(f"`{item.key}`, {item.path.name}:{item.line}")
        return "\n\n".join(parts)

    # -- diagnostics -------------------------------------------------------------------------------

    def diagnose(self, uri: str) -> None:
        text, path, markdown = self.document(uri)
        found: list[types.Diagnostic] = []
        if len(text) <= MAX_DIAGNOSED_CHARS:
            entries = self.index.entries(self.bib_paths(text, path))
            lower = {key.lower() for key in entries}
            cited = citations.cited(text, markdown)
            missing = list(dict.fromkeys(item.key for item in cited if item.key.lower() not in lower))
            # did-you-mean compares with every key: for the first few only, not for a page of half-typed keys
            close = suggest(missing[:MAX_SUGGESTED], list(entries))
            for item in cited:
                if item.key.lower() in lower:
                    continue
                if markdown and "." in item.key and item.key not in close:
                    continue  # @example.org in prose is no citation
                hint = f"; did you mean {close[item.key]}?" if item.key in close else ""
                found.append(types.Diagnostic(_range(item.line, item.start, item.end),
                                              f"{item.key} is not in {self.library_path.name}{hint}",
                                              types.DiagnosticSeverity.Error, source="citetool",
                                              data={"suggestion": close.get(item.key)}))  # fmt: skip
            found += self.retraction_diagnostics(cited)
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=found))

    def retraction_diagnostics(self, cited: list[citations.Cited]) -> list[types.Diagnostic]:
        """The kept ``check --retractions`` errors and warnings of the cited works (never the network)."""
        lib = self.index.library(self.library_path)
        if lib is None or not cited:
            return []
        from citetool.actions import retracting

        present = {key.lower(): key for key in lib.keys}
        keys = list(dict.fromkeys(present[item.key.lower()] for item in cited if item.key.lower() in present))
        findings = retracting.kept_findings(lib, keys, lambda _said: None)
        by_key: dict[str, list[Any]] = {}
        for finding in findings:
            by_key.setdefault(finding.work.key.lower(), []).append(finding)
        found = []
        for item in cited:
            for finding in by_key.get(item.key.lower(), []):
                severity = types.DiagnosticSeverity.Error if finding.severity == "error" else \
                    types.DiagnosticSeverity.Warning  # fmt: skip
                found.append(types.Diagnostic(_range(item.line, item.start, item.end),
                                              f"{item.key}: {finding.notice.describe()}", severity,
                                              source="citetool"))  # fmt: skip
        return found


def _range(line: int, start: int, end: int) -> types.Range:
    return types.Range(types.Position(line, start), types.Position(line, end))


def _whole(text: str) -> types.Range:
    lines = text.split("\n")
    return types.Range(types.Position(0, 0), types.Position(len(lines), 0))


def build(library: Path, style: str, sources: Callable[[], Any] | None = None) -> CitetoolServer:
    """The server for ``library``, rendering hovers in ``style``; ``sources`` makes the clients the add
    action looks identifiers up with."""
    server = CitetoolServer(library, style, sources)

    @server.feature(types.TEXT_DOCUMENT_COMPLETION,
                    types.CompletionOptions(trigger_characters=["{", ",", "@"], resolve_provider=True))  # fmt: skip
    def completion(ls: CitetoolServer, params: types.CompletionParams) -> types.CompletionList | None:
        text, path, markdown = ls.document(params.text_document.uri)
        line = params.position.line
        lines = text.split("\n")
        line_text = lines[line] if line < len(lines) else ""
        typing = citations.typing_key(line_text, params.position.character, markdown)
        if typing is None:
            return None
        typed, start = typing
        edit_range = _range(line, start, params.position.character)
        items = [
            types.CompletionItem(
                label=item.key, kind=types.CompletionItemKind.Reference, detail=ls.index.described(item),
                sort_text=f"{number:04d}", filter_text=typed or item.key,
                text_edit=types.TextEdit(edit_range, item.key), data={"key": item.key, "path": str(item.path)},
            )
            for number, item in enumerate(ls.index.search(ls.bib_paths(text, path), typed))
        ]  # fmt: skip
        return types.CompletionList(is_incomplete=True, items=items)

    @server.feature(types.COMPLETION_ITEM_RESOLVE)
    def resolve(ls: CitetoolServer, item: types.CompletionItem) -> types.CompletionItem:
        data = item.data if isinstance(item.data, dict) else {}
        found = ls.index.entries([Path(str(data.get("path", ls.library_path)))]).get(str(data.get("key", "")))
        if found is not None:
            item.documentation = types.MarkupContent(types.MarkupKind.Markdown, ls.markdown(found))
        return item

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: CitetoolServer, params: types.HoverParams) -> types.Hover | None:
        text, _path, markdown = ls.document(params.text_document.uri)
        cited = citations.at(text, params.position.line, params.position.character, markdown)
        item = ls.lookup(params.text_document.uri, cited.key) if cited is not None else None
        if cited is None or item is None:
            return None
        return types.Hover(types.MarkupContent(types.MarkupKind.Markdown, ls.markdown(item)),
                           _range(cited.line, cited.start, cited.end))  # fmt: skip

    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    def definition(ls: CitetoolServer, params: types.DefinitionParams) -> types.Location | None:
        text, _path, markdown = ls.document(params.text_document.uri)
        cited = citations.at(text, params.position.line, params.position.character, markdown)
        item = ls.lookup(params.text_document.uri, cited.key) if cited is not None else None
        if item is None:
            return None
        return types.Location(from_fs_path(str(item.path)) or "", _range(item.line - 1, 0, 0))

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: CitetoolServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.diagnose(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: CitetoolServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.diagnose(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: CitetoolServer, params: types.DidSaveTextDocumentParams) -> None:
        ls.diagnose(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_PREPARE_RENAME)
    def prepare_rename(ls: CitetoolServer, params: types.PrepareRenameParams) -> types.Range | None:
        text, _path, markdown = ls.document(params.text_document.uri)
        cited = citations.at(text, params.position.line, params.position.character, markdown)
        if cited is None or ls.lookup(params.text_document.uri, cited.key) is None:
            return None
        return _range(cited.line, cited.start, cited.end)

    @server.feature(types.TEXT_DOCUMENT_RENAME)
    def rename(ls: CitetoolServer, params: types.RenameParams) -> types.WorkspaceEdit | None:
        text, path, markdown = ls.document(params.text_document.uri)
        cited = citations.at(text, params.position.line, params.position.character, markdown)
        if cited is None:
            return None
        return _rename_edit(ls, params.text_document.uri, text, path, markdown, cited.key, params.new_name)

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION)
    def code_action(ls: CitetoolServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        return _code_actions(ls, params)

    @server.command(ADD_COMMAND)
    def execute(ls: CitetoolServer, *arguments: Any) -> str:
        values = list(arguments[0]) if len(arguments) == 1 and isinstance(arguments[0], list) else list(arguments)
        if len(values) != 5:
            raise UsageError(f"{ADD_COMMAND} takes uri, line, start, end and the identifier")
        uri, line, start, end, token = (str(value) for value in values)
        return _add_and_cite(ls, uri, int(line), int(start), int(end), token)

    return server


def _rename_edit(ls: CitetoolServer, uri: str, text: str, path: Path | None, markdown: bool, old: str,
                 new: str) -> types.WorkspaceEdit:  # fmt: skip
    """``citetool rename OLD NEW --tex`` this document, as one edit of every file it changes."""
    from citetool.actions import renaming

    item = ls.lookup(uri, old)
    if item is None:
        raise UsageError(f"{old} is not in {ls.library_path}")
    mains = [path] if path is not None and not markdown and path.is_file() else []
    plan = renaming.plan(ls.library_path, [(item.key, new)], mains)
    changes: dict[str, list[types.TextEdit]] = {}
    before = plan.library_data.decode("utf-8")
    changes[from_fs_path(str(ls.library_path)) or ""] = [types.TextEdit(_whole(before),
                                                                        plan.new_library.decode("utf-8"))]  # fmt: skip
    for change in plan.files:
        document = from_fs_path(str(change.path.resolve())) or ""
        changes[document] = [types.TextEdit(_whole(change.before.decode("utf-8", "replace")),
                                            change.after.decode("utf-8", "replace"))]  # fmt: skip
    if markdown:
        edits = [types.TextEdit(_range(found.line, found.start, found.end), new)
                 for found in citations.cited(text, True) if found.key == old]  # fmt: skip
        changes[uri] = edits
    return types.WorkspaceEdit(changes=changes)


def _code_actions(ls: CitetoolServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    """Add-and-cite for an identifier on the line; the near keys for an unknown one."""
    from citetool.identifiers import detect

    text, _path, _markdown = ls.document(params.text_document.uri)
    lines = text.split("\n")
    line = params.range.start.line
    line_text = lines[line] if line < len(lines) else ""
    actions: list[types.CodeAction] = []
    for match in _TOKEN.finditer(line_text):
        if not (match.start() <= params.range.end.character and params.range.start.character <= match.end()):
            continue
        token = match.group().rstrip(".,")
        try:
            identifier = detect.classify(token)
        except CitetoolError:
            continue
        if isinstance(identifier, Path) or getattr(identifier, "kind", "") not in ("doi", "arxiv", "isbn", "pmid"):
            continue
        actions.append(types.CodeAction(
            f"Add {identifier.label} to the library and cite it", kind=types.CodeActionKind.QuickFix,
            command=types.Command(f"Add {identifier.label}", ADD_COMMAND, arguments=[
                params.text_document.uri, line, match.start(), match.start() + len(token), token]),
        ))  # fmt: skip
    for diagnostic in params.context.diagnostics:
        data = diagnostic.data if isinstance(diagnostic.data, dict) else {}
        if diagnostic.source == "citetool" and data.get("suggestion"):
            key = str(data["suggestion"])
            actions.append(types.CodeAction(
                f"Change to {key}", kind=types.CodeActionKind.QuickFix, diagnostics=[diagnostic],
                edit=types.WorkspaceEdit(changes={params.text_document.uri: [types.TextEdit(diagnostic.range, key)]}),
            ))  # fmt: skip
    return actions


def _add_and_cite(ls: CitetoolServer, uri: str, line: int, start: int, end: int, token: str) -> str:
    """Run ``add`` for the identifier, then replace it by a citation of the new key; the key."""
    from citetool.actions import adding, rekeying
    from citetool.identifiers import detect

    if ls.make_sources is None:
        raise UsageError("this server cannot look identifiers up")
    identifier = detect.classify(str(token))
    if isinstance(identifier, Path):
        raise UsageError(f"{token}: a file, not an identifier")
    report = adding.add_identifiers(ls.library_path, [identifier], ls.make_sources(),
                                    key_format=rekeying.configured())  # fmt: skip
    outcome = report.outcomes[0]
    if outcome.error is not None:
        raise outcome.error
    key = str(outcome.key)
    text, _path, markdown = ls.document(uri)
    lines = text.split("\n")
    line_text = lines[int(line)] if int(line) < len(lines) else ""
    inside = citations.typing_key(line_text, int(start), markdown) is not None
    cite = key if inside else (f"[@{key}]" if markdown else f"\\cite{{{key}}}")
    if markdown and inside and not line_text[: int(start)].endswith("@"):
        cite = "@" + key
    ls.workspace_apply_edit(types.ApplyWorkspaceEditParams(types.WorkspaceEdit(changes={
        uri: [types.TextEdit(_range(int(line), int(start), int(end)), cite)]})))  # fmt: skip
    ls.diagnose(uri)
    return key
