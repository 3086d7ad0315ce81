"""Just enough of a PDF reader to get reportlab's text back out, through the font's ToUnicode map.

It reads what reportlab writes (literal strings shown with ``Tj`` between ``BT`` and ``ET``,
subset TrueType fonts with a ``ToUnicode`` CMap), not PDF in general.
"""

from __future__ import annotations

import base64
import re
import zlib

_OBJECT = re.compile(rb"(\d+) 0 obj(.*?)endobj", re.S)
_STREAM = re.compile(rb"/Length (\d+)(.*?)stream\r?\n", re.S)
_TEXT_BLOCK = re.compile(rb"BT(.*?)ET", re.S)
_SHOW = re.compile(rb"/(\S+) [\d.]+ Tf|\(((?:\\.|[^\\)])*)\) Tj", re.S)
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _objects(pdf: bytes) -> dict[int, tuple[bytes, bytes | None]]:
    objects: dict[int, tuple[bytes, bytes | None]] = {}
    for match in _OBJECT.finditer(pdf):
        body = match.group(2)
        stream = _STREAM.search(body)
        data = None
        if stream is not None:
            data = body[stream.end() : stream.end() + int(stream.group(1))]
            filters = body[: stream.end()]
            if b"/ASCII85Decode" in filters:
                data = base64.a85decode(data.strip().removesuffix(b"~>"))
            if b"/FlateDecode" in filters:
                data = zlib.decompress(data)
        objects[int(match.group(1))] = (body, data)
    return objects


def _cmap(data: bytes) -> dict[int, str]:
    mapping: dict[int, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        for src, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            mapping[int(src, 16)] = bytes.fromhex(dst.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
        for lo, hi, dst in re.findall(
            rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block
        ):
            for offset, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                mapping[code] = chr(int(dst, 16) + offset)
    return mapping


def _unescape(raw: bytes) -> bytes:
    out = bytearray()
    i = 0
    while i < len(raw):
        if raw[i : i + 1] != b"\\":
            out.append(raw[i])
            i += 1
            continue
        octal = re.match(rb"[0-7]{1,3}", raw[i + 1 : i + 4])
        if octal:
            out.append(int(octal.group(), 8))
            i += 1 + len(octal.group())
        else:
            nxt = raw[i + 1 : i + 2]
            out += _ESCAPES.get(nxt, nxt)
            i += 2
    return bytes(out)


def font_maps(pdf: bytes) -> dict[str, dict[int, str]]:
    """Each font resource name (``F2+0``) with its code-to-text map (empty if it has none)."""
    objects = _objects(pdf)
    fonts: dict[str, dict[int, str]] = {}
    for body, _data in objects.values():
        if b"/Type /Font" not in body:
            continue
        name = re.search(rb"/Name /(\S+)", body)
        if name is None:
            continue
        to_unicode = re.search(rb"/ToUnicode (\d+) 0 R", body)
        cmap_data = objects[int(to_unicode.group(1))][1] if to_unicode else None
        fonts[name.group(1).decode()] = _cmap(cmap_data) if cmap_data else {}
    return fonts


def text_lines(pdf: bytes) -> list[str]:
    """The text of every BT..ET block (one ``drawString`` each), in drawing order."""
    fonts = font_maps(pdf)
    lines: list[str] = []
    for _body, data in _objects(pdf).values():
        if data is None or b" Tf" not in data:
            continue
        for block in _TEXT_BLOCK.finditer(data):
            font: dict[int, str] = {}
            text = ""
            for show in _SHOW.finditer(block.group(1)):
                if show.group(1) is not None:
                    font = fonts.get(show.group(1).decode(), {})
                else:
                    text += "".join(font.get(byte, chr(byte)) for byte in _unescape(show.group(2)))
            if text:
                lines.append(text)
    return lines


def media_box(pdf: bytes) -> tuple[float, float]:
    """Width and height of the first page, in points."""
    match = re.search(rb"/MediaBox \[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert match is not None, "no MediaBox"
    return float(match.group(1)), float(match.group(2))
