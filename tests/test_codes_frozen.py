"""The list of codes is frozen: a published code never disappears silently and a retired code is never reused.

frozen_code_problems is tested on fake data (so each rule is seen to fail) and applied to the real registry,
workers/checks/codes_published.txt and workers/checks/retired.RETIRED.
"""

from __future__ import annotations

import re

from workers.checks import catalogue
from workers.checks.model import CHECK_ERROR
from workers.checks.registry import ALL_CHECKS
from workers.checks.retired import PUBLISHED_PATH, RETIRED, frozen_code_problems, parse_published, read_published

UPPER_SNAKE = re.compile(r"^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$")
DATED = re.compile(r"^\d{4}-\d{2}-\d{2}: \S")


def _registered() -> list[str]:
    return [*(check.code for check in ALL_CHECKS), CHECK_ERROR]


# Fake data: A and B registered and published, OLD retired.
PUBLISHED = ["A_CODE", "B_CODE", "OLD_CODE"]
REGISTERED = ["A_CODE", "B_CODE"]
RETIRED_FAKE = {"OLD_CODE": "2026-01-01: replaced by B_CODE."}


def test_fake_frozen_list_without_problems() -> None:
    assert frozen_code_problems(PUBLISHED, REGISTERED, RETIRED_FAKE) == []


def test_fails_when_a_code_disappears_without_being_retired() -> None:
    problems = frozen_code_problems(PUBLISHED, ["A_CODE"], RETIRED_FAKE)
    assert len(problems) == 1
    assert problems[0].startswith("B_CODE was published but is no longer registered")
    assert "mark it retired in workers/checks/retired.py" in problems[0]


def test_fails_when_a_retired_code_is_registered_again() -> None:
    problems = frozen_code_problems(PUBLISHED, [*REGISTERED, "OLD_CODE"], RETIRED_FAKE)
    assert len(problems) == 1
    assert problems[0].startswith("OLD_CODE is retired (2026-01-01: replaced by B_CODE.) but registered again")
    assert "a retired code is never reused" in problems[0]


def test_fails_when_a_registered_code_is_not_published() -> None:
    problems = frozen_code_problems(PUBLISHED, [*REGISTERED, "NEW_CODE"], RETIRED_FAKE)
    assert problems == [
        "NEW_CODE is registered but missing from the published list: publishing a new code means adding it "
        "to workers/checks/codes_published.txt in the same change"
    ]


def test_fails_when_a_retired_code_was_never_published() -> None:
    problems = frozen_code_problems(PUBLISHED, REGISTERED, {**RETIRED_FAKE, "GHOST_CODE": "2026-01-01: typo."})
    assert len(problems) == 1
    assert problems[0].startswith("GHOST_CODE is marked retired but was never published")


def test_parse_published_skips_comments_and_blank_lines() -> None:
    assert parse_published("# header\n\nA_CODE\n  B_CODE  # note\n#C_CODE\n") == ["A_CODE", "B_CODE"]


def test_registry_keeps_the_frozen_list() -> None:
    problems = frozen_code_problems(read_published(), _registered(), RETIRED)
    assert problems == [], "\n".join(problems)


def test_published_list_is_sorted_unique_and_well_formed() -> None:
    codes = read_published()
    assert codes == sorted(set(codes)), f"{PUBLISHED_PATH} must be sorted with one line per code"
    assert [c for c in codes if not UPPER_SNAKE.match(c)] == []
    assert PUBLISHED_PATH.read_text(encoding="utf-8").startswith("# "), "the list keeps its header comment"


def _undated(retired: dict[str, str]) -> list[str]:
    """Retired codes whose reason is not one line starting with its date ('2026-01-01: why, what replaced it')."""
    return [code for code, why in retired.items() if "\n" in why or not DATED.match(why)]


def test_retired_reasons_are_one_dated_line() -> None:
    assert _undated({**RETIRED_FAKE, "X_CODE": "replaced", "Y_CODE": "2026-01-01: a\nb"}) == ["X_CODE", "Y_CODE"]
    assert _undated(RETIRED) == []


def test_catalogue_lists_retired_codes_only_when_there_are_some() -> None:
    text = catalogue.render(retired=RETIRED_FAKE)
    assert text.endswith("## Retired codes: never reused\n\n- `OLD_CODE`: 2026-01-01: replaced by B_CODE.\n")
    assert "Retired codes" not in catalogue.render(retired={})
    assert ("## Retired codes: never reused" in catalogue.render()) == bool(RETIRED)
