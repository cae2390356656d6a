"""A streaming multipart/form-data reader: yields parts' headers and data chunks as they arrive.

python-multipart parses synchronously through callbacks; we collect its events per network chunk and hand them
to async code, so no part is ever held whole in memory.

File names: RFC 7578 sends them as raw UTF-8 in `filename="..."` (curl, browsers, httpx); RFC 5987/8187's
`filename*=UTF-8''caf%C3%A9.jpg` is read too and wins when both are sent (RFC 6266 4.3). Every name is
NFC-normalised, so `café` typed on macOS (NFD) and elsewhere (NFC) is the same file.

A body that is not well-formed multipart (its boundary does not match the Content-Type's, a part is cut off, the
closing delimiter never comes) is a 400 problem naming the body: python-multipart's own `finalize` does not check
that the message ended, so we do.
"""

from __future__ import annotations

import unicodedata
from collections.abc import AsyncIterator
from dataclasses import dataclass
from urllib.parse import unquote_to_bytes

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, MultipartState, parse_options_header

from service.errors import BadRequestError, PayloadTooLargeError


@dataclass
class PartStart:
    name: str
    filename: str | None
    content_type: str | None


@dataclass
class PartData:
    data: bytes


@dataclass
class PartEnd:
    pass


Event = PartStart | PartData | PartEnd


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def boundary_of(content_type: str) -> bytes:
    kind, options = parse_options_header(content_type)
    boundary = options.get(b"boundary")
    if kind != b"multipart/form-data" or not boundary:
        raise BadRequestError("Content-Type must be multipart/form-data with a boundary", field="Content-Type")
    return boundary


def _text(raw: bytes) -> str:
    """Header bytes as text: UTF-8 (RFC 7578 4.2), else Latin-1 (what HTTP/1.1 headers were)."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _params(value: str) -> dict[str, str]:
    """The parameters of a Content-Disposition value: `token=token` or `token="quoted \\" string"`, in order;
    names lowercased; the first of a repeated name wins."""
    params: dict[str, str] = {}
    i, n = value.find(";"), len(value)
    if i < 0:
        return params
    while i < n:
        i += 1  # past ';'
        while i < n and value[i] in " \t":
            i += 1
        eq = value.find("=", i)
        semi = value.find(";", i)
        if eq < 0 or (0 <= semi < eq):
            i = semi if semi >= 0 else n  # a parameter without a value: skip it
            continue
        key = value[i:eq].strip().lower()
        i = eq + 1
        while i < n and value[i] in " \t":
            i += 1
        if i < n and value[i] == '"':
            chars: list[str] = []
            i += 1
            while i < n and value[i] != '"':
                if value[i] == "\\" and i + 1 < n:
                    i += 1
                chars.append(value[i])
                i += 1
            val = "".join(chars)
            i = value.find(";", i)
            i = n if i < 0 else i
        else:
            end = value.find(";", i)
            end = n if end < 0 else end
            val = value[i:end].strip()
            i = end
        params.setdefault(key, val)
    return params


def _extended(value: str) -> str | None:
    """An RFC 8187 ext-value (`UTF-8''caf%C3%A9.jpg`, or ISO-8859-1), decoded; None if it is not one."""
    charset, quote1, rest = value.partition("'")
    _, quote2, encoded = rest.partition("'")
    if not (quote1 and quote2) or charset.lower() not in ("utf-8", "iso-8859-1"):
        return None
    try:
        return unquote_to_bytes(encoded).decode(charset.lower())
    except UnicodeDecodeError:
        return None


def content_disposition(raw: bytes) -> tuple[str, str | None]:
    """(name, filename) of a part's Content-Disposition header, both NFC; filename None when none was sent."""
    params = _params(_text(raw))
    name = params.get("name", "")
    if "name*" in params:
        name = _extended(params["name*"]) or name
    filename = params.get("filename")
    if "filename*" in params:
        filename = _extended(params["filename*"]) or filename
    return nfc(name), (nfc(filename) if filename is not None else None)


class _Collector:
    def __init__(self) -> None:
        self.events: list[Event] = []
        self.parts = 0
        self.open = False  # a part began and has not ended
        self._headers: dict[str, bytes] = {}
        self._field = bytearray()
        self._value = bytearray()

    def callbacks(self) -> dict[str, object]:
        return {
            "on_part_begin": self._part_begin,
            "on_header_field": lambda d, s, e: self._field.extend(d[s:e]),
            "on_header_value": lambda d, s, e: self._value.extend(d[s:e]),
            "on_header_end": self._header_end,
            "on_headers_finished": self._headers_finished,
            "on_part_data": lambda d, s, e: self.events.append(PartData(bytes(d[s:e]))),
            "on_part_end": self._part_end,
        }

    def _part_begin(self) -> None:
        self._headers = {}
        self.parts += 1
        self.open = True

    def _part_end(self) -> None:
        self.open = False
        self.events.append(PartEnd())

    def _header_end(self) -> None:
        self._headers[self._field.decode("latin-1").lower()] = bytes(self._value)
        self._field.clear()
        self._value.clear()

    def _headers_finished(self) -> None:
        name, filename = content_disposition(self._headers.get("content-disposition", b""))
        content_type = self._headers.get("content-type")
        self.events.append(PartStart(name, filename, _text(content_type) if content_type is not None else None))


async def iter_parts(content_type: str, body: AsyncIterator[bytes], *, max_parts: int) -> AsyncIterator[Event]:
    """The body's parts as events. Raises BadRequestError (400) when the body is not well-formed multipart with
    the Content-Type's boundary, PayloadTooLargeError (413) past `max_parts` parts."""
    collector = _Collector()
    parser = MultipartParser(boundary_of(content_type), collector.callbacks())  # type: ignore[arg-type]
    async for chunk in body:
        try:
            parser.write(chunk)
        except MultipartParseError:
            raise BadRequestError(
                "the body is not multipart/form-data with the boundary its Content-Type names", field="body"
            ) from None
        if collector.parts > max_parts:
            raise PayloadTooLargeError(
                f"the request has more than {max_parts} parts, the cap on parts per request",
                field="body",
                cap=max_parts,
            )
        events, collector.events = collector.events, []
        for event in events:
            yield event
    parser.finalize()
    if parser.state != MultipartState.END:
        where = "its last part is unterminated" if collector.open else "its closing boundary never came"
        if collector.parts == 0:
            where = "it holds no part with the boundary its Content-Type names"
        raise BadRequestError(f"the multipart body is incomplete: {where}", field="body")
    for event in collector.events:
        yield event
