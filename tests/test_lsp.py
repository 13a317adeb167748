"""``citetool lsp`` end to end: a real server process over stdio, asked by the tests' own client and by neovim."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import need_programs, run
from .lsp_client import Client
from .replay import ReplayServer

LIBRARY = """@article{markov1906,
  author = {Markov, Andrey},
  title = {Extension of the law of large numbers to dependent quantities},
  journal = {Izvestiya Fiz.-Matem. Obsch. Kazan Univ.},
  year = {1906},
  doi = {10.5555/markov.1906},
}

@book{knuth1984,
  author = {Knuth, Donald E.},
  title = {The {\\TeX}book},
  publisher = {Addison-Wesley},
  year = {1984},
}
"""

MAIN = """\\documentclass{article}
\\begin{document}
See \\citep[p.~3]{knuth1984} and \\cite{knuth1984,markov1906}.
Unknown \\cite{knuth1948}.
\\input{chapters/one}
\\bibliography{library}
\\end{document}
"""


@pytest.fixture
def paper(workdir: Path) -> Path:
    (workdir / "library.bib").write_text(LIBRARY, encoding="utf-8")
    (workdir / "chapters").mkdir()
    (workdir / "chapters" / "one.tex").write_text("As \\textcite{markov1906} showed.\n", encoding="utf-8")
    main = workdir / "paper.tex"
    main.write_text(MAIN, encoding="utf-8")
    return main


@pytest.fixture
def client(paper: Path) -> Iterator[Client]:
    lsp = Client(paper.parent, "-l", str(paper.parent / "library.bib"))
    answer = lsp.initialize(paper.parent)
    assert answer["result"]["capabilities"]["completionProvider"]["triggerCharacters"] == ["{", ",", "@"]
    yield lsp
    lsp.close()


def _complete(client: Client, uri: str, line: int, character: int) -> list[dict[str, object]]:
    position = {"line": line, "character": character}
    answer = client.request("textDocument/completion", {"textDocument": {"uri": uri}, "position": position})
    result = answer["result"]
    return result["items"] if result else []


def _edit(client: Client, path: Path, text: str) -> str:
    uri = path.as_uri()
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2},
                                             "contentChanges": [{"text": text}]})  # fmt: skip
    return uri


@pytest.mark.parametrize(("typed", "expected"), [
    ("knu", "knuth1984"),  # key
    ("Markov", "markov1906"),  # an author's name
    ("quantities", "markov1906"),  # a title word
    ("10.5555/markov", "markov1906"),  # the DOI
    ("1984", "knuth1984"),  # the year
])  # fmt: skip
def test_completion_matches_key_author_title_year_and_doi(typed: str, expected: str, client: Client,
                                                         paper: Path) -> None:  # fmt: skip
    line = f"Also \\parencite[see][12]{{{typed}"
    uri = client.open(paper, MAIN + line + "\n")
    items = _complete(client, uri, MAIN.count("\n"), len(line))
    assert [item["label"] for item in items] == [expected], items
    item = items[0]
    assert item["textEdit"]["newText"] == expected
    assert item["textEdit"]["range"]["start"]["character"] == len(line) - len(typed)
    assert "(" in str(item["detail"]) and ")" in str(item["detail"])
    resolved = client.request("completionItem/resolve", item)["result"]
    assert expected in resolved["documentation"]["value"]


def test_completion_after_a_comma_and_nowhere_else(client: Client, paper: Path) -> None:
    uri = client.open(paper, MAIN + "\\cite{knuth1984, mar\nplain text mar\n")
    items = _complete(client, uri, MAIN.count("\n"), len("\\cite{knuth1984, mar"))
    assert [item["label"] for item in items] == ["markov1906"]
    assert _complete(client, uri, MAIN.count("\n") + 1, len("plain text mar")) == []


def test_markdown_completion_after_at(client: Client, paper: Path) -> None:
    note = paper.parent / "notes.md"
    uri = client.open(note, "As shown [@knuth1984; @mark", "markdown")
    items = _complete(client, uri, 0, len("As shown [@knuth1984; @mark"))
    assert [item["label"] for item in items] == ["markov1906"]
    assert _complete(client, uri, 0, len("As shown")) == []


def test_a_big_library_never_read_before_is_searched_at_once_and_described_properly(paper: Path) -> None:
    """Over 256 KiB and no cached table: searched from the entries' raw text (markup dropped), each answered
    item described from the proper reading (G{\\"o}del -> Gödel)."""
    big = paper.parent / "big.bib"
    big.write_text(LIBRARY + "".join(f"@article{{filler{number}, author = {{Roe, Ann{number}}}, title = {{Filler "
                                     f"number {number} about nothing in particular at all}}, journal = {{J}}, "
                                     f"year = {{2000}}}}\n" for number in range(3000))
                   + "@book{goedel1931, author = {G{\\\"o}del, Kurt}, title = {{\\\"U}ber formal unentscheidbare "
                     "S{\\\"a}tze}, year = {1931}}\n", encoding="utf-8")  # fmt: skip
    assert big.stat().st_size > 256 * 1024
    lsp = Client(paper.parent, "-l", str(big))
    try:
        lsp.initialize(paper.parent)
        uri = lsp.open(paper, "\\cite{godel")
        (item,) = _complete(lsp, uri, 0, len("\\cite{godel"))
        assert item["label"] == "goedel1931" and item["detail"] == "Gödel (1931) Über formal unentscheidbare Sätze"
    finally:
        lsp.close()
    assert run("-l", str(big), "show").exit_code == 0  # now the table is cached: the proper rows are searched
    again = Client(paper.parent, "-l", str(big))
    try:
        again.initialize(paper.parent)
        uri = again.open(paper, "\\cite{godel")
        assert [item["label"] for item in _complete(again, uri, 0, len("\\cite{godel"))] == ["goedel1931"]
    finally:
        again.close()


def test_hover_shows_the_reference_in_the_style_and_the_doi(client: Client, paper: Path) -> None:
    uri = client.open(paper, MAIN)
    answer = client.request("textDocument/hover", {"textDocument": {"uri": uri},
                                                   "position": {"line": 2, "character": 50}})  # fmt: skip
    value = answer["result"]["contents"]["value"]
    # APA, as `export -f text` prints it
    assert "Markov, A. (1906). Extension of the law of large numbers to dependent quantities." in value
    assert "https://doi.org/10.5555/markov.1906" in value


def test_definition_is_the_entrys_line(client: Client, paper: Path) -> None:
    uri = client.open(paper, MAIN)
    answer = client.request("textDocument/definition", {"textDocument": {"uri": uri},
                                                        "position": {"line": 2, "character": 22}})  # fmt: skip
    assert answer["result"]["uri"] == (paper.parent / "library.bib").as_uri()
    assert answer["result"]["range"]["start"]["line"] == 8  # @book{knuth1984 is on line 9


def test_a_diagnostic_on_the_line_of_an_unknown_key_with_a_fix(client: Client, paper: Path) -> None:
    uri = client.open(paper, MAIN)
    (diagnostic,) = client.diagnostics(uri)
    assert diagnostic["range"]["start"] == {"line": 3, "character": 14}
    assert diagnostic["message"] == "knuth1948 is not in library.bib; did you mean knuth1984?"
    actions = client.request("textDocument/codeAction", {
        "textDocument": {"uri": uri}, "range": diagnostic["range"], "context": {"diagnostics": [diagnostic]},
    })["result"]  # fmt: skip
    fix = next(action for action in actions if action["title"] == "Change to knuth1984")
    assert fix["edit"]["changes"][uri][0]["newText"] == "knuth1984"
    client.notifications.clear()
    _edit(client, paper, MAIN.replace("knuth1948", "knuth1984"))
    assert client.diagnostics(uri) == []


def test_rename_edits_the_main_file_an_input_file_and_the_library(client: Client, paper: Path) -> None:
    uri = client.open(paper, MAIN)
    prepared = client.request("textDocument/prepareRename", {"textDocument": {"uri": uri},
                                                             "position": {"line": 2, "character": 50}})  # fmt: skip
    assert prepared["result"]["start"] == {"line": 2, "character": 48}
    answer = client.request("textDocument/rename", {"textDocument": {"uri": uri}, "newName": "markov1906ext",
                                                    "position": {"line": 2, "character": 50}})  # fmt: skip
    changes = answer["result"]["changes"]
    folder = paper.parent
    assert set(changes) == {(folder / name).as_uri() for name in ("library.bib", "paper.tex", "chapters/one.tex")}
    assert "@article{markov1906ext," in changes[(folder / "library.bib").as_uri()][0]["newText"]
    assert "\\textcite{markov1906ext}" in changes[(folder / "chapters" / "one.tex").as_uri()][0]["newText"]
    assert "\\cite{knuth1984,markov1906ext}" in changes[uri][0]["newText"]
    assert "markov1906ext" not in (folder / "library.bib").read_text()  # the editor applies the edit, not citetool
    taken = client.request("textDocument/rename", {"textDocument": {"uri": uri}, "newName": "knuth1984",
                                                   "position": {"line": 2, "character": 50}})  # fmt: skip
    assert "error" in taken and "knuth1984" in taken["error"]["message"]


def test_the_add_action_adds_a_pasted_doi_and_cites_it(paper: Path, server: ReplayServer) -> None:
    lsp = Client(paper.parent, "-l", str(paper.parent / "library.bib"))  # the server's environment points at the replay
    try:
        lsp.initialize(paper.parent)
        text = MAIN + "As 10.1038/srep16696 found.\n"
        uri = lsp.open(paper, text)
        line = MAIN.count("\n")
        actions = lsp.request("textDocument/codeAction", {
            "textDocument": {"uri": uri}, "context": {"diagnostics": []},
            "range": {"start": {"line": line, "character": 6}, "end": {"line": line, "character": 6}},
        })["result"]  # fmt: skip
        (action,) = [action for action in actions if action["title"].startswith("Add ")]
        done = lsp.request("workspace/executeCommand", action["command"])
        assert "result" in done, done
        key = done["result"]
        assert key in (paper.parent / "library.bib").read_text()
        (applied,) = lsp.applied
        (edit,) = applied["edit"]["changes"][uri]
        assert edit["newText"] == f"\\cite{{{key}}}" and edit["range"]["start"]["character"] == 3
    finally:
        lsp.close()


def test_bad_input_gets_answers_not_a_crash(client: Client, paper: Path) -> None:
    (paper.parent / "library.bib").write_text("@article{broken, title = {Unclosed\n")
    uri = client.open(paper, MAIN)
    unknown = client.diagnostics(uri)
    assert unknown and all(diagnostic["severity"] == 1 for diagnostic in unknown)  # every key, none crashes
    huge = client.open(paper.parent / "huge.tex", "\\cite{x}" * 1_500_000)
    assert client.diagnostics(huge) == []  # too big to diagnose; answered all the same
    binary = client.open(paper.parent / "binary.tex", "\x00\x01\ufffd\\cite{\x00")
    assert _complete(client, binary, 0, 5) == []
    far = {"line": 999, "character": 0}
    odd = client.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": far})
    assert "result" in odd and odd["result"] is None
    assert client.process.poll() is None  # still serving


def test_a_client_that_disconnects_ends_the_server(paper: Path) -> None:
    lsp = Client(paper.parent, "-l", str(paper.parent / "library.bib"))
    lsp.initialize(paper.parent)
    assert lsp.process.stdin is not None
    lsp.process.stdin.close()
    assert lsp.process.wait(timeout=20) is not None
    assert b"Traceback" not in (lsp.process.stderr.read() if lsp.process.stderr else b"")


NEOVIM_SCRIPT = """
local function run()
  local client_id = vim.lsp.start_client({
    name = "citetool",
    cmd = {PYTHON, "-m", "citetool", "-l", LIBRARY, "lsp"},
    root_dir = ROOT,
  })
  vim.cmd("edit " .. MAIN)
  vim.lsp.buf_attach_client(0, client_id)
  vim.wait(30000, function()
    local client = vim.lsp.get_client_by_id(client_id)
    return client ~= nil and client.initialized
  end, 50)
  local function ask(method, line, character)
    local params = {textDocument = vim.lsp.util.make_text_document_params(),
                    position = {line = line, character = character}}
    local answers = vim.lsp.buf_request_sync(0, method, params, 30000)
    for _, answer in pairs(answers or {}) do return answer.result end
  end
  local completion = ask("textDocument/completion", 2, 20)
  local hover = ask("textDocument/hover", 2, 45)
  local labels = {}
  for _, item in ipairs(completion.items or completion) do table.insert(labels, item.label) end
  return {labels = labels, hover = hover.contents.value}
end
local ok, result = pcall(run)
local out = io.open(OUT, "w")
out:write(vim.fn.json_encode(ok and result or {error = tostring(result)}))
out:close()
vim.cmd("qa!")
"""


def test_neovim_asks_for_completion_and_hover(paper: Path) -> None:
    need_programs("nvim")
    folder = paper.parent
    # Line 2 typed up to "\\citep[p.~3]{knu": completion there.
    paper.write_text(MAIN.replace("\\citep[p.~3]{knuth1984}", "\\citep[p.~3]{knu}"), encoding="utf-8")
    script = folder / "test.lua"
    values = {"PYTHON": sys.executable, "LIBRARY": str(folder / "library.bib"), "ROOT": str(folder),
              "MAIN": str(paper), "OUT": str(folder / "out.json")}  # fmt: skip
    script.write_text("".join(f"local {name} = {json.dumps(value)}\n" for name, value in values.items())
                      + NEOVIM_SCRIPT, encoding="utf-8")  # fmt: skip
    env = {**os.environ, "HOME": str(folder), "XDG_CONFIG_HOME": str(folder / "config")}
    done = subprocess.run(["nvim", "--headless", "-u", "NONE", "-c", f"luafile {script}"], cwd=folder, env=env,
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert (folder / "out.json").exists(), done.stdout[-2000:] + done.stderr[-2000:]
    got = json.loads((folder / "out.json").read_text())
    assert "error" not in got, got
    assert got["labels"] == ["knuth1984"]
    assert "Markov, A. (1906). Extension of the law of large numbers" in got["hover"]


def test_lsp_is_a_command_with_help() -> None:
    helped = run("lsp", "--help")
    assert helped.exit_code == 0 and "Language Server Protocol" in helped.stdout


def test_cites_with_notes_completes_its_second_group(client: Client, paper: Path) -> None:
    line = "\\cites[see][]{knuth1984}[p.~2]{mar"
    uri = client.open(paper, MAIN + line + "\n")
    assert [item["label"] for item in _complete(client, uri, MAIN.count("\n"), len(line))] == ["markov1906"]


def test_the_library_is_read_again_when_it_changes_on_disk(client: Client, paper: Path) -> None:
    uri = client.open(paper, MAIN + "\\cite{turing\n")
    assert _complete(client, uri, MAIN.count("\n"), len("\\cite{turing")) == []
    library = paper.parent / "library.bib"
    library.write_text(library.read_text() + "\n@article{turing1936, author = {Turing, Alan}, title = {On "
                       "computable numbers}, journal = {Proc. LMS}, year = {1936}}\n")  # fmt: skip
    assert [item["label"] for item in _complete(client, uri, MAIN.count("\n"), len("\\cite{turing"))] == ["turing1936"]


def test_kept_retraction_findings_are_diagnostics_of_the_cited_work(paper: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    data = Path(__file__).resolve().parent / "data" / "notices" / "retraction-watch-sample.csv"
    monkeypatch.setenv("CITETOOL_RETRACTION_WATCH", str(data))
    library = paper.parent / "library.bib"
    library.write_text(library.read_text() + "\n@article{wakefield1998, author = {Wakefield, A. J.}, title = "
                       "{Ileal-lymphoid-nodular hyperplasia}, journal = {The Lancet}, year = {1998}, "
                       "doi = {10.1016/S0140-6736(97)11096-0}}\n")  # fmt: skip
    lsp = Client(paper.parent, "-l", str(library))
    try:
        lsp.initialize(paper.parent)
        uri = lsp.open(paper, "As \\cite{wakefield1998} claimed.\n")
        (diagnostic,) = lsp.diagnostics(uri)
        assert diagnostic["severity"] == 1 and diagnostic["range"]["start"] == {"line": 0, "character": 9}
        assert "retracted: notice 10.1016/s0140-6736(10)60175-4 (2010-02-06; Retraction Watch)" in diagnostic["message"]
    finally:
        lsp.close()
