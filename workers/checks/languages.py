"""The languages fixes are given in, and how a language tag names one (no imports: the manifest reads it)."""

from __future__ import annotations

ENGLISH = "en"
# English, then the languages of the help centres of the exchanges these applicants use (Simplified Chinese,
# Japanese, Korean), then other languages many of them read (issue #20).
LANGUAGES: tuple[str, ...] = ("en", "zh", "ja", "ko", "es", "fr", "de", "pt", "ru", "tr", "vi")
LANGUAGE_NAMES = {
    "en": "English", "zh": "简体中文", "ja": "日本語", "ko": "한국어", "es": "Español", "fr": "Français",
    "de": "Deutsch", "pt": "Português", "ru": "Русский", "tr": "Türkçe", "vi": "Tiếng Việt",
}  # fmt: skip


def language_tag(tag: str | None) -> str | None:
    """A supported language for a BCP 47 tag (`zh-CN` -> zh, `pt-BR` -> pt, `EN` -> en), else None."""
    if not tag:
        return None
    primary = tag.strip().replace("_", "-").split("-")[0].lower()
    return primary if primary in LANGUAGES else None


def negotiate(accept_language: str | None) -> str | None:
    """The supported language an Accept-Language header prefers most (RFC 9110 section 12.5.4), or None."""
    ranked: list[tuple[float, int, str]] = []
    for position, item in enumerate((accept_language or "").split(",")):
        tag, _, params = item.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        language = language_tag(tag)
        if language is not None and quality > 0:
            ranked.append((-quality, position, language))
    return min(ranked)[2] if ranked else None
