"""The README and the docs/ pages it links work as written: every relative link leads to a file, every
`ecrgen` command shown names a command and options ecrgen has, every `make` target shown exists, and
every docs page is linked from the README."""

import re
import shlex
from pathlib import Path

import pytest
import typer.main
from conftest import ROOT

from ecrgen.cli import app

PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")
FENCE = re.compile(r"^```(?:sh|console|bash)\n(.*?)^```", re.MULTILINE | re.DOTALL)
COMMAND = re.compile(r"^(?:\$ )?(?:\.venv/bin/)?(ecrgen|make) (.*)$")


def shown(page: Path) -> list[tuple[str, list[str]]]:
    """(program, arguments) of each ecrgen or make command line in the page's shell blocks."""
    found = []
    for block in FENCE.findall(page.read_text()):
        for line in block.splitlines():
            match = COMMAND.match(line.strip())
            if match:
                words = shlex.split(match.group(2).split("  #")[0].split(" #")[0], comments=True)
                # A synopsis line ([--at TIMESTAMP], (--images FILE | --from-aws)) counts too.
                found.append((match.group(1), [w.strip("()[]") for w in words if w not in ("|", ">", "&&")]))
    return found


def options_of(command) -> set[str]:
    """Every option spelling a click command takes."""
    return {opt for param in command.params for opt in (*param.opts, *param.secondary_opts)}


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_relative_link_leads_to_a_file(page):
    missing = [
        target
        for target in LINK.findall(page.read_text())
        if "://" not in target and not (page.parent / target).exists()
    ]
    assert missing == []


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_command_shown_exists_as_written(page):
    group = typer.main.get_command(app)
    targets = set(re.findall(r"^([a-z][a-z-]*):", (ROOT / "Makefile").read_text(), re.MULTILINE))
    wrong = []
    for program, words in shown(page):
        if program == "make":
            wrong += [
                f"make {w}" for w in words if not w.startswith("-") and "=" not in w and w not in targets
            ]
            continue
        while words and words[0].startswith("-"):  # global options, such as --quiet or --version
            if words[0] not in options_of(group):
                wrong.append(f"ecrgen {words[0]}")
            words = words[1:]
        if not words:
            continue
        command = group.commands.get(words[0])  # type: ignore[attr-defined]
        if command is None:
            wrong.append(f"ecrgen {words[0]}")
            continue
        allowed = options_of(command) | {"--help"}
        wrong += [
            f"ecrgen {words[0]} {w}"
            for w in words[1:]
            if w.startswith("--") and w.split("=")[0] not in allowed
        ]
    assert wrong == []


def test_every_docs_page_is_linked_from_the_readme():
    linked = set(LINK.findall((ROOT / "README.md").read_text()))
    assert [p.name for p in PAGES[1:] if f"docs/{p.name}" not in linked] == []


def test_the_readme_opens_with_the_two_setup_commands_then_what_a_user_does():
    text = (ROOT / "README.md").read_text()
    first = FENCE.search(text)
    assert first is not None and first.group(1).splitlines()[:2] == [
        line for line in first.group(1).splitlines() if line.startswith("make ")
    ]
    assert [line.split()[1] for line in first.group(1).splitlines()] == ["synth", "test"]
    headings = re.findall(r"^## (.*)$", text, re.MULTILINE)
    assert headings[0] == "Getting started"
