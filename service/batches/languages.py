"""The language a verdict's fixes are answered in (docs/contract.md, "Languages"): `?lang=`, else the bundle's own
`language` from the manifest, else the reader's Accept-Language, else English. Messages stay in English."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from litestar.params import HeaderParameter, QueryParameter

from service.errors import BadRequestError
from workers.checks.i18n.translate import in_language
from workers.checks.languages import LANGUAGES, language_tag, negotiate
from workers.checks.model import BundleVerdict

Lang = Annotated[
    str | None,
    QueryParameter(
        description="The language of the findings' fixes: " + ", ".join(LANGUAGES) + " (a BCP 47 tag such as "
        "zh-CN names its language). Default: the bundle's `language`, else Accept-Language, else en.",
        required=False,
    ),
]
AcceptLanguage = Annotated[str | None, HeaderParameter(name="Accept-Language", required=False)]


@dataclass(frozen=True)
class LanguageChoice:
    asked: str | None  # ?lang=
    accepted: str | None  # the Accept-Language header's preferred supported language

    def apply(self, verdict: BundleVerdict) -> BundleVerdict:
        return in_language(verdict, self.asked, self.accepted)


def language_choice(lang: str | None, accept_language: str | None) -> LanguageChoice:
    asked = None
    if lang is not None:
        asked = language_tag(lang)
        if asked is None:
            raise BadRequestError(f"lang must be one of {', '.join(LANGUAGES)}", field="lang")
    return LanguageChoice(asked, negotiate(accept_language))
