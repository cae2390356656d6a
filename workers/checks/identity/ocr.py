"""The OCR engine: rapidocr with the ONNX models shipped inside its wheel, loaded once per process.

Model paths are given explicitly (the files listed in the rapidocr wheel's RECORD), so rapidocr never takes
its download branch: nothing is fetched at run time. The line direction classifier (upright or turned 180
degrees) is used only to tell which way up a page reads (`page_turn.py`); MRZ crops are made upright by
geometry and their own check digits.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

# The models rapidocr 3.10 ships in its wheel (rapidocr/models/, listed in the wheel's RECORD).
DET_MODEL = "PP-OCRv6_det_small.onnx"
REC_MODEL = "PP-OCRv6_rec_small.onnx"
CLS_MODEL = "ch_ppocr_mobile_v2.0_cls_mobile.onnx"  # text-line direction, 0 or 180 degrees
# Detection input long side: 960 px keeps an MRZ character >= 10 px wide on a passport page filling the photo,
# and costs 0.03-0.4 s per image on one core (measured on the corpus, docs/calibration/identity.md).
DET_SIDE = 960

_lock = threading.Lock()
_engine: Any = None


def model_dir() -> Path:
    return Path(str(resources.files("rapidocr").joinpath("models")))


def engine() -> Any:
    """The process-wide rapidocr engine, built on first use (a few hundred ms) and reused afterwards."""
    global _engine
    if _engine is None:
        with _lock:
            if _engine is None:
                from rapidocr import RapidOCR  # imported lazily: workers that never read an MRZ skip its cost

                _engine = RapidOCR(
                    params={
                        "Global.log_level": "error",
                        "Global.use_cls": False,
                        # One thread per inference: workers are separate processes (one per core), and
                        # onnxruntime's spinning thread pool slows every process down on a shared machine.
                        "EngineConfig.onnxruntime.intra_op_num_threads": 1,
                        "EngineConfig.onnxruntime.inter_op_num_threads": 1,
                        "Det.model_path": str(model_dir() / DET_MODEL),
                        "Det.limit_side_len": DET_SIDE,
                        "Det.limit_type": "max",
                        "Rec.model_path": str(model_dir() / REC_MODEL),
                        "Cls.model_path": str(model_dir() / CLS_MODEL),
                    }
                )
    return _engine


@dataclass(frozen=True)
class TextLine:
    text: str
    score: float


def detect_text_boxes(rgb: NDArray[np.uint8]) -> list[NDArray[np.float32]]:
    """Quadrilaterals (4x2, x/y in `rgb` pixels) around every text line the detector finds."""
    result = engine()(rgb, use_det=True, use_cls=False, use_rec=False)
    boxes = result.boxes
    return [] if boxes is None else [np.asarray(b, dtype=np.float32) for b in boxes]


def detect_tiled(view: NDArray[np.uint8]) -> list[NDArray[np.float32]]:
    """detect_text_boxes on overlapping tiles of the detector's own size, boxes in `view` pixels: a document
    filling a quarter of the photo's width has MRZ glyphs of ~7 px once the whole photo is shrunk to the
    detector's side, too small to find."""
    h, w = view.shape[:2]
    step = int(DET_SIDE * 0.75)  # 25 % overlap: a text line cut by one tile edge is whole in the next tile
    boxes: list[NDArray[np.float32]] = []
    for y in range(0, max(h - DET_SIDE, 0) + step, step):
        for x in range(0, max(w - DET_SIDE, 0) + step, step):
            tile = view[y : y + DET_SIDE, x : x + DET_SIDE]
            boxes += [b + np.array([x, y], np.float32) for b in detect_text_boxes(np.ascontiguousarray(tile))]
    return boxes


def in_image(
    boxes: list[NDArray[np.float32]], view_width: int, area: tuple[int, int, int, int]
) -> list[NDArray[np.float32]]:
    """Boxes found on a view `view_width` px wide showing `area` (left, top, right, bottom) of an image, in that
    image's pixels."""
    left, top, right, _ = area
    scale = view_width / (right - left)
    origin = np.array([left, top], dtype=np.float32)
    return [box / scale + origin for box in boxes]


def recognize_line(line: NDArray[np.uint8]) -> TextLine:
    """Read one upright single-line crop (gray or RGB)."""
    if line.ndim == 2:
        line = np.repeat(line[:, :, None], 3, axis=2)
    result = engine()(line, use_det=False, use_cls=False, use_rec=True)
    texts = result.txts or ("",)
    scores = result.scores or (0.0,)
    return TextLine(str(texts[0]), float(scores[0]))


def reads_upside_down(line: NDArray[np.uint8]) -> tuple[bool, float]:
    """Whether a single-line crop, cut along its line, shows its text turned 180 degrees, and the classifier's
    confidence (0.5-1) in that answer."""
    if line.ndim == 2:
        line = np.repeat(line[:, :, None], 3, axis=2)
    result = engine()(line, use_det=False, use_cls=True, use_rec=False)
    label, score = result.cls_res[0] if result.cls_res else ("0", 0.5)
    return label == "180", float(score)
