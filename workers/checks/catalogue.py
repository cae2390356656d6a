"""The check catalogue (docs/checks.md), generated from the registry so that it cannot drift from the code.

python -m workers.checks.catalogue > docs/checks.md     # regenerate
python -m workers.checks.catalogue --check               # exit 1 when docs/checks.md is stale
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from workers.checks.engine import CHECK_ERROR_REMEDIATION
from workers.checks.i18n.translate import translate_fix
from workers.checks.languages import LANGUAGE_NAMES, LANGUAGES
from workers.checks.model import CHECK_ERROR
from workers.checks.policy import load_policy, policy_settings
from workers.checks.precedence import silences
from workers.checks.registry import ALL_CHECKS, READERS
from workers.checks.retired import RETIRED
from workers.checks.spec import ALL_ROLES, Check, DocumentCheck

CATALOGUE_PATH = Path(__file__).resolve().parents[2] / "docs" / "checks.md"

_HEADER = """\
# Check catalogue

Generated from the registry by `python -m workers.checks.catalogue > docs/checks.md`; do not edit by hand
(`python -m workers.checks.catalogue --check` fails when this file is stale).

Every finding in a verdict carries one of these codes. Codes are stable: a retired code is never reused.
Status `fail` means a provider would reject the bundle; `review` means a person should look. Passing checks
are listed in verdicts too, with status `pass`. Each remediation (the fix for the applicant) is given in every
language a verdict can be read in (docs/contract.md, "Languages"); messages are in English.
"""


def _roles(check: Check) -> str:
    if not isinstance(check, DocumentCheck):
        return "the whole bundle"
    if check.roles == ALL_ROLES:
        return "every document"
    return ", ".join(f"`{role}`" for role in sorted(check.roles))


def _scope(check: Check) -> str:
    if not isinstance(check, DocumentCheck):
        return "bundle"
    return "document (needs a decodable image)" if check.needs_pixels else "document"


def _policy_line(keys: Sequence[str]) -> list[str]:
    """The settings a check judges by, each with its value in the default policy (read from the file, so a
    changed default makes this catalogue stale)."""
    if not keys:
        return []
    defaults = policy_settings(load_policy("default"))
    named = ", ".join(f"`{key}` (default `{_default_text(defaults[key])}`)" for key in keys)
    return [f"- Policy settings: {named}"]


def _default_text(value: object) -> str:
    if isinstance(value, dict):
        return "; ".join(f"{country}: {', '.join(kinds)}" for country, kinds in value.items())
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return str(value).lower() if isinstance(value, bool) else str(value)


def _moot_lines(roots: Sequence[str], unsure_roots: Sequence[str]) -> list[str]:
    """The root causes whose failure on the same document makes this check moot (its declaration's moot_when),
    and those that make only its reviews moot (moot_when_unsure)."""
    lines = []
    if roots:
        lines.append(f"- Not judged when any of these fails on the same document: {', '.join(f'`{r}`' for r in roots)}")
    if unsure_roots:
        named = ", ".join(f"`{r}`" for r in unsure_roots)
        lines.append(f"- A review (not a fail) is not judged either when any of these fails on the document: {named}")
    return lines


def _entry(
    code: str,
    scope: str,
    roles: str,
    summary: str,
    remediation: str,
    source: str,
    keys: Sequence[str] = (),
    moot_when: Sequence[str] = (),
    moot_when_unsure: Sequence[str] = (),
) -> list[str]:
    return [
        f"### `{code}`",
        "",
        summary,
        "",
        f"- Scope: {scope}",
        f"- Applies to: {roles}",
        f"- Remediation: {remediation}",
        *(f"  - {LANGUAGE_NAMES[lang]} (`{lang}`): {translate_fix(remediation, lang)}" for lang in LANGUAGES[1:]),
        f"- Threshold source: {source}",
        *_policy_line(keys),
        *_moot_lines(moot_when, moot_when_unsure),
        "",
    ]


def _cell(text: str) -> str:
    return text.replace("|", "\\|")  # a pipe would split the Markdown table cell


def render(checks: Sequence[Check] = ALL_CHECKS, retired: Mapping[str, str] = RETIRED) -> str:
    """The whole catalogue as Markdown, in registry order (the order findings appear in a verdict)."""
    lines = [_HEADER, "## Summary", "", "| code | scope | applies to | summary |", "|---|---|---|---|"]
    for check in checks:
        lines.append(f"| `{check.code}` | {_scope(check)} | {_roles(check)} | {_cell(check.summary)} |")
    lines.append(f"| `{CHECK_ERROR}` | engine | any | A check could not run; the finding names it. |")
    lines += ["", "## Checks", ""]
    for check in checks:
        lines += _entry(
            check.code,
            _scope(check),
            _roles(check),
            check.summary,
            check.remediation,
            check.threshold_source,
            check.policy_keys,
            check.moot_when,
            check.moot_when_unsure,
        )
    lines += _entry(
        CHECK_ERROR,
        "engine (status `review`)",
        "any document or the bundle",
        "A check raised an error or the bundle's time budget ran out; `measured` names the check's code.",
        CHECK_ERROR_REMEDIATION,
        "Not a threshold: the engine turns any exception raised by a check into this finding "
        "(workers/checks/engine.py).",
    )
    lines += ["## Readers", "", "Readers fill document fields before checks run; declared values win.", ""]
    if READERS:
        lines += [f"- `{r.name}`: {', '.join(sorted(r.roles))}" for r in READERS]
    else:
        lines.append("- none registered")
    lines += [
        "",
        "## Root causes first",
        "",
        "When one of these fails on a document, the codes listed after it are not judged on that document: they "
        'come back as `pass` with "Not judged because of CODE" in their message, so each problem is reported '
        "once, by its root cause (some only when the finding is a review: the check's entry says which). Each "
        "check names its own root causes (`moot_when`, `moot_when_unsure`, workers/checks/moot.py); "
        "workers/checks/precedence.py applies them.",
        "",
    ]
    lines += [f"- `{root}`: {', '.join(f'`{c}`' for c in sorted(codes))}" for root, codes in silences(checks).items()]
    if retired:
        lines += ["", "## Retired codes: never reused", ""]
        lines += [f"- `{code}`: {why}" for code, why in sorted(retired.items())]
    return "\n".join(lines).rstrip("\n") + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="exit 1 if the committed catalogue is stale")
    parser.add_argument("--file", type=Path, default=CATALOGUE_PATH, help="catalogue to compare with --check")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        path: Path = args.file
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        if current != text:
            print(f"{path} is stale: regenerate it with python -m workers.checks.catalogue", file=sys.stderr)
            return 1
        return 0
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
