"""The policy and the checks cannot drift apart (#17 item 2): every check names the policy settings it judges
by (`policy_keys`), every setting of a shipped policy is judged by a check, the catalogue's defaults are read
from the default policy, and changing one setting in a tenant's policy changes that check's verdict and the
limit its message names."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import cv2
import numpy as np
import pytest

from tests.fixtures.engine_runs import SUBMIT_ON, run_engine
from workers.checks.manifest import AccountType, BundleSpec, Declared, DocumentSpec, Profile, Role, Side
from workers.checks.model import BundleVerdict, Finding, Status
from workers.checks.policy import available, build_policy, load_policy, policy_settings
from workers.checks.registry import ALL_CHECKS
from workers.checks.spec import BundleCheck, Check, DocumentCheck

_NAMED = {key: check for check in ALL_CHECKS for key in check.policy_keys}


def _check(code: str) -> Check:
    return next(c for c in ALL_CHECKS if c.code == code)


def test_every_policy_key_a_check_names_is_a_setting_of_the_default_policy() -> None:
    settings = policy_settings(load_policy("default"))
    unknown = {check.code: key for check in ALL_CHECKS for key in check.policy_keys if key not in settings}
    assert not unknown


def test_every_setting_of_a_shipped_policy_is_judged_by_a_check() -> None:
    settings = {key for name in available() for key in policy_settings(load_policy(name))}
    assert settings, "no policy settings found: policy_settings reads no table"
    assert settings - set(_NAMED) == set()


def test_a_check_quotes_the_default_policy_value_of_each_number_it_judges_by() -> None:
    """A summary or threshold source saying "default 30" must say what the default policy file says."""
    defaults = policy_settings(load_policy("default"))
    numbers = {key: value for key, value in defaults.items() if isinstance(value, int) and not isinstance(value, bool)}
    assert numbers
    for key, value in numbers.items():
        check = _NAMED[key]
        assert f"default {value}" in check.threshold_source, (check.code, key, value)
        assert f"default {value}" in check.summary, (check.code, key, value)


def _image() -> bytes:
    ok, encoded = cv2.imencode(".jpg", np.full((480, 640, 3), 200, np.uint8))
    assert ok
    return encoded.tobytes()


@dataclass(frozen=True)
class Scenario:
    """A bundle a check judges differently under `base` and under `base` with one setting changed (`change`,
    TOML fragments over the default policy); `named` is what the changed verdict's message must quote."""

    code: str
    document: DocumentSpec
    change: str
    named: str
    base: str = ""
    account_type: AccountType = AccountType.INDIVIDUAL


def _declared(role: Role, kind: str | None = None, country: str | None = None, **declared: str) -> DocumentSpec:
    return DocumentSpec(role=role, file="d.jpg", type=kind, issuing_country=country, declared=Declared(**declared))


def _iso(days_from_submission: int) -> str:
    return (SUBMIT_ON + timedelta(days=days_from_submission)).isoformat()


SCENARIOS = {
    # Expires 40 days after submission: inside a 45-day margin, outside the default 30.
    "rules.expiry_margin_days": Scenario(
        "DOCUMENT_EXPIRES_SOON",
        _declared(Role.ID_DOCUMENT, "passport", "FR", expiry_date=_iso(40)),
        "[rules]\nexpiry_margin_days = 45\n",
        "45 days",
    ),
    # A bill 70 days old: within the default 90 days, not within 60.
    "rules.bill_max_age_days": Scenario(
        "POA_TOO_OLD",
        _declared(Role.PROOF_OF_ADDRESS, "utility_bill", statement_date=_iso(-70)),
        "[rules]\nbill_max_age_days = 60\n",
        "at most 60 days",
    ),
    # An extract issued 300 days ago: within the default 12 months, not within 6.
    "rules.registration_max_age_months": Scenario(
        "REG_TOO_OLD",
        _declared(Role.BUSINESS_REGISTRATION, issue_date=_iso(-300)),
        "[rules]\nregistration_max_age_months = 6\n",
        "6 months",
        account_type=AccountType.CORPORATE,
    ),
    "accepted_document_types": Scenario(
        "DOCUMENT_TYPE_NOT_ACCEPTED",
        _declared(Role.ID_DOCUMENT, "id_card", "FR"),
        '[accepted_document_types]\n"*" = ["passport"]\n',
        "accepted: passport",
    ),
    # France listed with ID cards only: a French passport passes only while passports are accepted everywhere.
    "identity.passports_accepted_everywhere": Scenario(
        "DOCUMENT_TYPE_NOT_ACCEPTED",
        _declared(Role.ID_DOCUMENT, "passport", "FR"),
        "[identity]\npassports_accepted_everywhere = false\n",
        "accepted: id_card",
        base='[accepted_document_types]\n"FR" = ["id_card"]\n',
    ),
    "identity.card_back_required": Scenario(
        "ID_CARD_BACK_MISSING",
        DocumentSpec(role=Role.ID_DOCUMENT, file="d.jpg", type="id_card", issuing_country="FR", side=Side.FRONT),
        '[identity]\ncard_back_required = ["FR"]\n',
        "requires the back",
    ),
}


def _verdict(scenario: Scenario, fragments: str) -> BundleVerdict:
    text = f'extends = "default"\nversion = "test"\n{fragments}'
    policy = build_policy("changed", text.encode(), load_policy)
    check = _check(scenario.code)
    profile = Profile(full_name="Jorgen Hansen", company_name="Nordlicht Energy ApS")
    spec = BundleSpec(reference="p", profile=profile, documents=[scenario.document], account_type=scenario.account_type)
    return run_engine(
        spec,
        {"d.jpg": _image()},
        policy=policy,
        document_checks=[check] if isinstance(check, DocumentCheck) else [],
        bundle_checks=[check] if isinstance(check, BundleCheck) else [],
        readers=[],
    )


def _finding(verdict: BundleVerdict, code: str) -> Finding:
    found = [f for f in verdict.findings if f.code == code]
    assert len(found) == 1, [(f.code, f.status) for f in verdict.findings]
    return found[0]


def test_every_setting_a_check_names_has_a_scenario() -> None:
    assert set(SCENARIOS) == set(_NAMED)


@pytest.mark.parametrize("key", sorted(SCENARIOS))
def test_changing_one_setting_changes_its_checks_verdict_and_the_limit_it_names(key: str) -> None:
    scenario = SCENARIOS[key]
    assert key in _check(scenario.code).policy_keys
    before = _finding(_verdict(scenario, scenario.base), scenario.code)
    after = _finding(_verdict(scenario, scenario.base + scenario.change), scenario.code)
    assert before.status is Status.PASS, before.message
    assert after.status is Status.FAIL, after.message
    assert scenario.named in after.message
