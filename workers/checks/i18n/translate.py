"""Fix texts in the applicant's language. A verdict is stored in English; its fixes are translated when it is
read (GET with `?lang=`, the bundle's `language`, or Accept-Language), so one stored verdict serves every
language. Messages (what was measured, for the compliance officer) stay in English.

The translations are JSON files beside this module, one per language: English fix -> translated fix, for every
text of workers.checks.i18n.texts (a test walks them). A text without a translation stays in English.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources

import msgspec

from workers.checks.i18n.texts import TEMPLATES
from workers.checks.languages import ENGLISH, LANGUAGES
from workers.checks.model import BundleVerdict, Finding

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def placeholders(text: str) -> list[str]:
    """The `{name}` placeholders of a template, sorted (a translation must have the same)."""
    return sorted(_PLACEHOLDER.findall(text))


@cache
def table(language: str) -> dict[str, str]:
    """English fix -> fix in `language` (empty for English and unknown languages)."""
    if language not in LANGUAGES or language == ENGLISH:
        return {}
    raw = resources.files(__package__).joinpath(f"{language}.json").read_text(encoding="utf-8")
    loaded: dict[str, str] = json.loads(raw)
    return loaded


@cache
def _template_patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    patterns = []
    for template in TEMPLATES:
        parts = _PLACEHOLDER.split(template)  # literal, name, literal, name, ..., literal
        regex = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+?)" for i, p in enumerate(parts))
        patterns.append((re.compile(regex + r"\Z", re.DOTALL), template))
    return tuple(patterns)


def translate_fix(text: str, language: str) -> str:
    """`text` (an English fix, as a verdict holds it) in `language`; unchanged when there is no translation."""
    known = table(language)
    if not known:
        return text
    found = known.get(text)
    if found is not None:
        return found
    for pattern, template in _template_patterns():  # a fix that quotes a policy value
        match = pattern.match(text)
        if match is not None and template in known:
            return known[template].format(**match.groupdict())
    return text


def localized(verdict: BundleVerdict, language: str) -> BundleVerdict:
    """The verdict with its fixes in `language` (its messages stay in English), and `language` saying so."""
    if language == verdict.language:
        return verdict
    findings: list[Finding] = [
        msgspec.structs.replace(f, remediation=translate_fix(f.remediation, language)) if f.remediation else f
        for f in verdict.findings
    ]
    return msgspec.structs.replace(verdict, findings=findings, language=language)


def in_language(verdict: BundleVerdict, asked: str | None, accepted: str | None = None) -> BundleVerdict:
    """The verdict with its fixes in the language a reader gets (docs/contract.md, "Languages"): the one asked
    for, else the bundle's own, else the one the reader's client prefers (Accept-Language), else English."""
    return localized(verdict, asked or verdict.applicant_language or accepted or ENGLISH)
