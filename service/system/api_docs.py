"""The API reference at /schema, served entirely by this service (issue #20 item 4).

Litestar's documentation pages load their scripts, styles and favicon from a CDN, so on an offline network
/schema was blank. Only Swagger UI is offered, and its files come from the pinned `swagger-ui-bundle` wheel
(Swagger UI 4.15.5, Apache-2.0), served under /schema/assets; the favicon is Swagger UI's own. The OpenAPI
document itself stays at /schema/openapi.json (and .yaml).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from litestar import Router
from litestar.openapi.plugins import JsonRenderPlugin, OpenAPIRenderPlugin, SwaggerRenderPlugin, YamlRenderPlugin
from litestar.static_files import create_static_files_router

SCHEMA_PATH = "/schema"
ASSETS_PATH = f"{SCHEMA_PATH}/assets"
# The folder the pinned wheel (pyproject.toml: swagger-ui-bundle==1.1.0) keeps Swagger UI's built files in.
SWAGGER_UI_FOLDER = "vendor/swagger-ui-4.15.5"


def swagger_ui_dir() -> Path:
    return Path(str(resources.files("swagger_ui_bundle").joinpath(SWAGGER_UI_FOLDER)))


def render_plugins() -> list[OpenAPIRenderPlugin]:
    """Swagger UI at /schema (and /schema/swagger) with local assets, and the document as JSON and YAML."""
    swagger = SwaggerRenderPlugin(
        js_url=f"{ASSETS_PATH}/swagger-ui-bundle.js",
        css_url=f"{ASSETS_PATH}/swagger-ui.css",
        standalone_preset_js_url=f"{ASSETS_PATH}/swagger-ui-standalone-preset.js",
        path=["/", "/swagger"],
        favicon=f"<link rel='icon' type='image/png' href='{ASSETS_PATH}/favicon-32x32.png'>",
    )
    return [swagger, JsonRenderPlugin(), YamlRenderPlugin()]


def schema_assets() -> Router:
    """Swagger UI's scripts, styles and icons, read from the wheel (never listed in the OpenAPI document)."""
    return create_static_files_router(path=ASSETS_PATH, directories=[swagger_ui_dir()], name="schema-assets")
