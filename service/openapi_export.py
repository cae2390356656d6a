"""Write the app's OpenAPI document to openapi/openapi.json (a test fails when the two differ)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from service.app import create_app
from workers.settings import Settings

OPENAPI_PATH = Path(__file__).resolve().parents[1] / "openapi" / "openapi.json"


def render() -> str:
    schema = create_app(Settings()).openapi_schema.to_schema()
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


def main() -> int:
    if "--check" in sys.argv:
        stale = not OPENAPI_PATH.exists() or OPENAPI_PATH.read_text() != render()
        print("openapi/openapi.json is stale: run python -m service.openapi_export" if stale else "up to date")
        return 1 if stale else 0
    OPENAPI_PATH.write_text(render())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
