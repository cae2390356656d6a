"""One uploaded file, decoded at most once, with lazily built views shared by every check.

Checks never decode on their own: they ask the Capture for `rgb`, `gray`, `downscaled(n)`, `halved(level)` or
a fact `cached(...)` under its typed key (the document outline, the MRZ reading, the selfie's faces...), so each
is computed once per bundle.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Generic, TypeVar, cast

import cv2
import filetype
import numpy as np
from numpy.typing import NDArray
from PIL import Image

T = TypeVar("T")

# 50 megapixels: the largest native output of current phone cameras is 48-50 MP (binned modes of 108/200 MP
# sensors also deliver 12-50 MP). Anything larger is not a phone photo of a document, and a full RGB decode of
# it would cost over 150 MB per worker: it is refused before decoding (decompression-bomb guard).
MAX_PIXELS = 50_000_000


_ORIENTATION = 0x0112  # EXIF tag
# EXIF orientation (TIFF/EXIF 2.32 tag 0x0112) -> the turn that shows the image upright, as viewers do. The one
# table of the engine: the decoded image and anything stored unrotated beside it (the EXIF thumbnail) use it.
_UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


def exif_orientation(exif: dict[int, Any]) -> int:
    """The EXIF orientation 1-8; 1 (as stored) when absent or not a number."""
    try:
        return int(exif.get(_ORIENTATION, 1) or 1)
    except (TypeError, ValueError):
        return 1


def turn_upright(image: Image.Image, orientation: int) -> Image.Image:
    """`image` (stored as the sensor read it) turned upright for the EXIF `orientation`."""
    method = _UPRIGHT.get(orientation)
    return image if method is None else image.transpose(method)


@dataclass(frozen=True)
class Fact(Generic[T]):
    """The key of a fact computed at most once per capture (or bundle): the name its owning module gives it,
    the parameters it was made with, and, by its type parameter, what it holds. Every reader of a fact goes
    through its owner's key, so the builder and the readers cannot disagree about its type (mypy checks both
    ends) and two owners cannot share a name by accident (tests/test_capture.py walks the keys).

    `needs` declares the facts (by name) its builder asks for: the facts form an explicit graph, which
    tests/test_fact_graph.py holds acyclic and holds every dependency recorded in engine runs to (fact_graph).
    It is not part of the key: the same fact at other parameters is the same node."""

    name: str
    params: tuple[Hashable, ...] = ()
    needs: tuple[str, ...] = field(default=(), compare=False)

    def at(self, *params: Hashable) -> Fact[T]:
        """The same fact made with `params` (a size, a side, an outline's tag)."""
        return Fact[T](self.name, params, self.needs)


# The facts being built in this context, innermost last: a fact asked for while another is built is one that
# fact depends on. Recorded only inside fact_graph(), which the tests walk (the graph must stay acyclic).
_BUILDING: ContextVar[tuple[str, ...]] = ContextVar("facts_building", default=())
_RECORDED: ContextVar[set[tuple[str, str]] | None] = ContextVar("facts_recorded", default=None)


def computed_once(facts: dict[Fact[Any], Any], fact: Fact[T], build: Callable[[], T]) -> T:
    """`fact` from `facts`, built by `build` the first time it is asked for (a capture's and a bundle's caches)."""
    building = _BUILDING.get()
    recorded = _RECORDED.get()
    if recorded is not None and building:
        recorded.add((building[-1], fact.name))
    if fact not in facts:
        token = _BUILDING.set((*building, fact.name))
        try:
            facts[fact] = build()
        finally:
            _BUILDING.reset(token)
    return cast(T, facts[fact])  # the one place a fact's type is vouched for: its key's


@contextmanager
def fact_graph() -> Iterator[set[tuple[str, str]]]:
    """While inside, records which facts each fact asked for as it was built: (fact, dependency) names."""
    edges: set[tuple[str, str]] = set()
    token = _RECORDED.set(edges)
    try:
        yield edges
    finally:
        _RECORDED.reset(token)


# The capture's own facts.
SHA256: Fact[str] = Fact("capture.sha256")
SNIFFED_MIME: Fact[str | None] = Fact("capture.sniffed_mime")
GRAY: Fact[NDArray[np.uint8]] = Fact("capture.gray")
HALVED: Fact[NDArray[np.uint8]] = Fact("capture.halved")  # at(level)
DOWNSCALED: Fact[NDArray[np.uint8]] = Fact("capture.downscaled", needs=("capture.gray",))  # at(max_side, gray)


class DecodeProblem(StrEnum):
    NOT_AN_IMAGE_WE_ACCEPT = "unsupported_type"
    BOMB = "decompression_bomb"
    CORRUPT = "corrupt"


# MPO is how Pillow names a JPEG that carries extra images (iPhone HDR, many Android photos): a JPEG.
ACCEPTED_FORMATS = {"JPEG", "MPO", "PNG"}


@dataclass
class Capture:
    """A file's bytes, what it really is, and (if it decodes) its pixels in upright orientation."""

    data: bytes
    filename: str
    max_pixels: int = MAX_PIXELS
    _views: dict[Fact[Any], Any] = field(default_factory=dict, repr=False)
    _decoded: bool = field(default=False, repr=False)
    _rgb: NDArray[np.uint8] | None = field(default=None, repr=False)
    _problem: DecodeProblem | None = field(default=None, repr=False)
    _problem_detail: str = field(default="", repr=False)
    _pil_info: dict[str, Any] = field(default_factory=dict, repr=False)
    _exif: dict[int, Any] = field(default_factory=dict, repr=False)
    _header: tuple[str | None, int | None, int | None] | None = field(default=None, repr=False)
    _header_says_bomb: bool = field(default=False, repr=False)

    @property
    def size_bytes(self) -> int:
        return len(self.data)

    @property
    def sha256(self) -> str:
        return self.cached(SHA256, lambda: hashlib.sha256(self.data).hexdigest())

    @property
    def sniffed_mime(self) -> str | None:
        """The type told by the file's own bytes (magic numbers), never by its name."""

        def sniff() -> str | None:
            kind = filetype.guess(self.data[:8192])
            return str(kind.mime) if kind is not None else None

        return self.cached(SNIFFED_MIME, sniff)

    @property
    def header(self) -> tuple[str | None, int | None, int | None]:
        """(format, width, height) from the header alone, without decoding pixels; Nones if unreadable."""
        if self._header is None:
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    with Image.open(io.BytesIO(self.data)) as img:
                        self._header = (img.format, img.width, img.height)
            except Image.DecompressionBombError:
                # Pillow refuses even to open an image declaring over twice its own pixel limit.
                self._header_says_bomb = True
                self._header = (None, None, None)
            except Exception:
                self._header = (None, None, None)
        return self._header

    def _decode(self) -> None:
        if self._decoded:
            return
        self._decoded = True
        fmt, width, height = self.header
        if self._header_says_bomb:
            self._problem = DecodeProblem.BOMB
            return
        if fmt not in ACCEPTED_FORMATS:
            self._problem = DecodeProblem.NOT_AN_IMAGE_WE_ACCEPT
            return
        if width is not None and height is not None and width * height > self.max_pixels:
            self._problem = DecodeProblem.BOMB
            self._problem_detail = f"{width}x{height}"
            return
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                with Image.open(io.BytesIO(self.data)) as img:
                    img.load()  # a full decode: a truncated or corrupt stream fails here, not at the header
                    self._pil_info = {str(k): v for k, v in img.info.items()}
                    exif = img.getexif()
                    self._exif = dict(exif)
                    # Each Pillow step copies 36 MB at 12 MP: transpose and convert only when needed.
                    upright = turn_upright(img, exif_orientation(self._exif))
                    rgb = upright if upright.mode == "RGB" else upright.convert("RGB")
                    self._rgb = np.asarray(rgb)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            self._problem = DecodeProblem.BOMB
            self._problem_detail = str(exc)[:200]
        except Exception as exc:  # Pillow raises OSError, SyntaxError, ValueError... for broken streams
            self._problem = DecodeProblem.CORRUPT
            self._problem_detail = f"{type(exc).__name__}: {exc}"[:200]

    @property
    def problem(self) -> DecodeProblem | None:
        self._decode()
        return self._problem

    @property
    def problem_detail(self) -> str:
        self._decode()
        return self._problem_detail

    @property
    def decodes(self) -> bool:
        return self.problem is None

    @property
    def rgb(self) -> NDArray[np.uint8]:
        """Full-resolution RGB pixels, upright (EXIF orientation applied). Raises if the file does not decode."""
        self._decode()
        if self._rgb is None:
            raise ValueError(f"{self.filename} does not decode: {self._problem}")
        return self._rgb

    @property
    def width(self) -> int:
        return int(self.rgb.shape[1])

    @property
    def height(self) -> int:
        return int(self.rgb.shape[0])

    @property
    def exif(self) -> dict[int, Any]:
        """EXIF tags of the top-level IFD (tag number -> value); empty when the file has none."""
        self._decode()
        return self._exif

    @property
    def info(self) -> dict[str, Any]:
        """Pillow's `info` of the decoded image (ICC profile, DPI, PNG text chunks, JPEG markers...)."""
        self._decode()
        return self._pil_info

    @property
    def gray(self) -> NDArray[np.uint8]:
        return self.cached(GRAY, lambda: cast(NDArray[np.uint8], cv2.cvtColor(self.rgb, cv2.COLOR_RGB2GRAY)))

    def halved(self, level: int) -> NDArray[np.uint8]:
        """The RGB image halved `level` times, each pixel the mean of a 2 x 2 block of the level below (an odd
        last row or column is dropped); level 0 is `rgb`. OpenCV averages 2 x 2 blocks on a fast path (0.3 ms
        at 2 MP, 2.3 ms at 12 MP), where a fractional area resize reads every source pixel slowly: the quality
        views are resized from the level just above the size they need."""
        if level == 0:
            return self.rgb

        def build() -> NDArray[np.uint8]:
            below = self.halved(level - 1)
            h, w = below.shape[:2]
            if h < 2 or w < 2:
                return below
            half = cv2.resize(below[: h // 2 * 2, : w // 2 * 2], (w // 2, h // 2), interpolation=cv2.INTER_AREA)
            return cast(NDArray[np.uint8], half)

        return self.cached(HALVED.at(level), build)

    def downscaled(self, max_side: int, *, gray: bool = False) -> NDArray[np.uint8]:
        """The image shrunk (area averaging) so that its longer side is at most `max_side`; never enlarged.

        One area resize of the full image, not via `halved`: starting from the pyramid (2.4x faster) moves the
        authenticity grain measures the calibration rests on (pasted-portrait ratios 0.22 -> 0.34, retyped-date
        contrast 32 -> 23 on the generated set)."""

        return self.cached(DOWNSCALED.at(max_side, gray), lambda: shrunk(self.gray if gray else self.rgb, max_side))

    def cached(self, fact: Fact[T], build: Callable[[], T]) -> T:
        """Compute a fact once and share it: later calls with the same key return the same object."""
        return computed_once(self._views, fact, build)

    def computed(self, fact: Fact[T]) -> T | None:
        """A fact if some check already computed it, else None (never computes it)."""
        return cast("T | None", self._views.get(fact))

    def release(self) -> None:
        """Drop the pixels and every view computed from them (the file's bytes belong to the caller). Called when
        the bundle's checks are done, so a document's pixels are freed then, not at the next full garbage
        collection: a context refers to its bundle and back, and a worker held ~25 MB more per bundle until
        CPython's rare generation-2 collection ran (RSS 0.5 -> 2.0 GB over 30 standard bundles)."""
        self._views.clear()
        self._rgb = None


def shrunk(image: NDArray[np.uint8], max_side: int) -> NDArray[np.uint8]:
    """`image` shrunk (area averaging) so that its longer side is at most `max_side`; never enlarged (then
    `image` itself, made contiguous when it is a crop)."""
    scale = max_side / max(image.shape[:2])
    if scale >= 1.0:
        return np.ascontiguousarray(image)
    size = (max(1, round(image.shape[1] * scale)), max(1, round(image.shape[0] * scale)))
    return cast(NDArray[np.uint8], cv2.resize(image, size, interpolation=cv2.INTER_AREA))
