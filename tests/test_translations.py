"""Fixes in the applicants' languages: every fix text the engine can give has a translation in every language,
with the same placeholders; a fix quoting a policy value is translated with that value; the language asked for
is found from tags and Accept-Language headers."""

from __future__ import annotations

import re

import pytest

from workers.checks.bundle.address_age import RECENT_BILL_FIX
from workers.checks.bundle.expiry import LONGER_VALID_FIX
from workers.checks.i18n.texts import TEMPLATES, fix_texts
from workers.checks.i18n.translate import placeholders, table, translate_fix
from workers.checks.languages import LANGUAGES, language_tag, negotiate
from workers.checks.manifest import ManifestError, parse_manifest
from workers.checks.registry import ALL_CHECKS

TRANSLATED = LANGUAGES[1:]
# A letter of each language's own script, to tell a translation from English left in place. Every text of a
# non-Latin language has one; a Latin-script sentence may have no accented letter, so there the test asks it of
# most of the table.
NON_LATIN = {"zh", "ja", "ko", "ru"}
# Words that only an English sentence left in place would hold.
ENGLISH_WORDS = re.compile(r"\b(the|your|with|and|photo of|again)\b", re.IGNORECASE)
SCRIPT = {
    "zh": r"[\u4e00-\u9fff]",
    "ja": r"[\u3040-\u30ff]",
    "ko": r"[\uac00-\ud7af]",
    "ru": r"[\u0400-\u04ff]",
    "es": r"[áéíóúñ¿]",
    "fr": r"[àâçéèêëîïôûù]",
    "de": r"[äöüß]",
    "pt": r"[ãõçáéíóúâê]",
    "tr": r"[çğışöü]",
    "vi": r"[ăâđêôơư]",
}


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_fix_has_a_translation_with_the_same_placeholders(language: str) -> None:
    known = table(language)
    texts = fix_texts()
    assert sorted(set(texts) - set(known)) == [], f"{language}: fixes without a translation"
    assert sorted(set(known) - set(texts)) == [], f"{language}: translations of fixes that no longer exist"
    in_script = 0
    for english in texts:
        translated = known[english]
        assert translated.strip() and translated != english, (language, english)
        assert placeholders(translated) == placeholders(english), (language, english, translated)
        own_letter = re.search(SCRIPT[language], translated.lower()) is not None
        assert own_letter or language not in NON_LATIN, (language, translated)
        in_script += own_letter
        assert not ENGLISH_WORDS.search(translated), (language, translated)
    assert in_script >= 0.4 * len(texts), f"{language}: most fixes read as English ({in_script}/{len(texts)})"


def test_every_code_of_the_registry_is_among_the_fixes() -> None:
    texts = set(fix_texts())
    assert [c.code for c in ALL_CHECKS if c.remediation not in texts] == []
    assert set(TEMPLATES) <= texts


@pytest.mark.parametrize("language", TRANSLATED)
def test_a_fix_quoting_a_policy_value_keeps_the_value(language: str) -> None:
    bill = translate_fix(RECENT_BILL_FIX.format(max_age=70), language)
    assert bill == table(language)[RECENT_BILL_FIX].format(max_age=70) and "70" in bill
    expiry = translate_fix(LONGER_VALID_FIX.format(margin=45), language)
    assert "45" in expiry and expiry != LONGER_VALID_FIX.format(margin=45)


def test_english_and_unknown_texts_stay_as_they_are() -> None:
    text = RECENT_BILL_FIX.format(max_age=90)
    assert translate_fix(text, "en") == text
    assert translate_fix("Some text no check gives.", "ja") == "Some text no check gives."


def test_language_tags_and_accept_language() -> None:
    assert [language_tag(t) for t in ("zh-CN", "pt_BR", "EN", "xx", "", None)] == ["zh", "pt", "en", None, None, None]
    assert negotiate("fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5") == "fr"
    assert negotiate("da, en-GB;q=0.8, ja;q=0.9") == "ja"  # the most preferred supported one
    assert negotiate("ja;q=0, ko") == "ko"  # q=0: not acceptable
    assert negotiate("da") is None and negotiate(None) is None


def test_a_manifest_names_a_supported_language_or_is_refused() -> None:
    bundle = '{"reference": "L-1", "profile": {"full_name": "A B"}, "documents": [], "language": "%s"}'
    assert parse_manifest(('{"bundles": [%s]}' % (bundle % "zh-CN")).encode()).bundles[0].language == "zh"
    with pytest.raises(ManifestError) as refused:
        parse_manifest(('{"bundles": [%s]}' % (bundle % "klingon")).encode())
    assert refused.value.field == "$.bundles[0].language"
