"""The dlib models, located inside the installed face-recognition-models package and loaded once per process.

Only the 5-point landmark model and the ResNet face encoder are used. The package also ships a 68-point
landmark model whose licence (iBUG 300-W training data) excludes commercial use: it is never loaded here.
The package's own `__init__` imports `pkg_resources` (gone from recent setuptools), so the files are found via
the import system's spec of the package, which does not execute that code.
"""

from __future__ import annotations

import importlib.util
import threading
from functools import cache
from pathlib import Path
from typing import Any

import dlib

_PACKAGE = "face_recognition_models"
LANDMARKS_5 = "shape_predictor_5_face_landmarks.dat"
ENCODER = "dlib_face_recognition_resnet_model_v1.dat"

_lock = threading.Lock()


class ModelFilesMissingError(RuntimeError):
    pass


def model_path(filename: str) -> Path:
    """The path of one model file of the installed face-recognition-models package (no code of it is run)."""
    spec = importlib.util.find_spec(_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModelFilesMissingError(f"{_PACKAGE} is not installed")
    for folder in spec.submodule_search_locations:
        candidate = Path(folder) / "models" / filename
        if candidate.is_file():
            return candidate
    raise ModelFilesMissingError(f"{filename} not found in {_PACKAGE}")


@cache
def _load(name: str) -> Any:
    with _lock:  # dlib model constructors are not documented as thread-safe; load each once
        if name == "detector":
            return dlib.get_frontal_face_detector()
        if name == "landmarks":
            return dlib.shape_predictor(str(model_path(LANDMARKS_5)))
        if name == "encoder":
            return dlib.face_recognition_model_v1(str(model_path(ENCODER)))
    raise KeyError(name)


def detector() -> Any:
    """dlib's HOG + linear SVM frontal face detector (built into dlib, no model file)."""
    return _load("detector")


def landmarks() -> Any:
    """The 5-point landmark predictor: two corners of each eye and the base of the nose."""
    return _load("landmarks")


def encoder() -> Any:
    """The ResNet that maps an aligned face to a 128-d vector (same person: distance below ~0.6)."""
    return _load("encoder")
