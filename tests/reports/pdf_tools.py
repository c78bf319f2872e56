"""Reading back the PDFs the reports write, with poppler's tools and a few lines of parsing.

Text and fonts come from ``pdftotext`` and ``pdffonts`` (poppler-utils); the
metadata's language and the bookmarks are read from the file itself, which
reportlab writes with its outline and catalogue objects uncompressed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdffonts") is None,
    reason="pdftotext and pdffonts (poppler-utils) are needed to read the PDFs")


def pdf_text(path: Path, *, layout: bool = True) -> str:
    args = ["pdftotext", *(["-layout"] if layout else []), str(path), "-"]
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def pages(path: Path) -> list[str]:
    """The text of each page (pdftotext ends each page with a form feed)."""
    return pdf_text(path).rstrip("\f").split("\f")


def flat(text: str) -> str:
    return " ".join(text.split())


def lines(page: str) -> list[str]:
    return [line for line in page.splitlines() if line.strip()]


@dataclass(frozen=True)
class FontRow:
    name: str
    kind: str
    embedded: bool


def fonts(path: Path) -> list[FontRow]:
    """Every font ``pdffonts`` lists, with whether it is embedded."""
    out = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True,
                         text=True).stdout.splitlines()
    rows = []
    for line in out[2:]:
        parts = line.split()
        # name, type (one or two words), encoding, emb, sub, uni, object, generation
        emb = parts[-5]
        rows.append(FontRow(parts[0], " ".join(parts[1:-6]), emb == "yes"))
    return rows


def info(path: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True,
                         text=True).stdout
    return {k.strip(): v.strip() for k, _, v in (line.partition(":")
                                                for line in out.splitlines()) if v}


def _literal(raw: bytes) -> str:
    """A PDF string literal's text (escapes undone; UTF-16 when it starts with a BOM)."""
    out = bytearray()
    i = 0
    while i < len(raw):
        c = raw[i]
        if c == 0x5C:  # backslash
            nxt = raw[i + 1:i + 2]
            octal = re.match(rb"[0-7]{1,3}", raw[i + 1:i + 4])
            if octal:
                out.append(int(octal.group(), 8))
                i += 1 + len(octal.group())
                continue
            out += {b"n": b"\n", b"r": b"\r", b"t": b"\t"}.get(nxt, nxt)
            i += 2
            continue
        out.append(c)
        i += 1
    data = bytes(out)
    if data.startswith(b"\xfe\xff"):
        return data[2:].decode("utf-16-be")
    return data.decode("latin-1")


def _objects(data: bytes) -> dict[int, bytes]:
    return {int(m.group(1)): m.group(2)
            for m in re.finditer(rb"(\d+) 0 obj\s*(.*?)endobj", data, re.S)}


def language(path: Path) -> str | None:
    found = re.search(rb"/Lang \(([^)]*)\)", path.read_bytes())
    return found.group(1).decode() if found else None


@dataclass(frozen=True)
class Bookmark:
    title: str
    level: int
    page: int
    """1 for the first page."""


def bookmarks(path: Path) -> list[Bookmark]:
    """The document outline in order: each entry's title, depth and page."""
    objects = _objects(path.read_bytes())
    tree = next(o for o in objects.values() if b"/Type /Pages" in o)
    kids = re.search(rb"/Kids \[(.*?)\]", tree, re.S)
    assert kids is not None, "the page tree lists no pages"
    page_ids = [int(n) for n in re.findall(rb"(\d+) 0 R", kids.group(1))]
    root = next((n for n, o in objects.items() if b"/Type /Outlines" in o), None)
    found: list[Bookmark] = []

    def walk(first: int | None, level: int) -> None:
        node = first
        while node is not None:
            body = objects[node]
            title = re.search(rb"/Title \(((?:\\.|[^\\)])*)\)", body, re.S)
            dest = re.search(rb"/Dest \[ (\d+) 0 R", body)
            found.append(Bookmark(_literal(title.group(1)) if title else "", level,
                                  page_ids.index(int(dest.group(1))) + 1 if dest else 0))
            child = re.search(rb"/First (\d+) 0 R", body)
            if child:
                walk(int(child.group(1)), level + 1)
            nxt = re.search(rb"/Next (\d+) 0 R", body)
            node = int(nxt.group(1)) if nxt else None

    if root is not None:
        first = re.search(rb"/First (\d+) 0 R", objects[root])
        walk(int(first.group(1)) if first else None, 0)
    return found
