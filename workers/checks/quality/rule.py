"""How a capture-quality rule is declared and judged: a measure on the located document compared with a limit.

Each rule (a row of checks.RULES) is declared once and instantiated twice: for documents photographed on their
own (DOCUMENT_ROLES) and, with relaxed limits and SELFIE_ codes, for the document held in the selfie (skipped when
the selfie shows no document: "no document held" belongs to the selfie checks). Its message is filled from the
measured value and the limit, on a pass as on a fail.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from workers.checks.context import DocumentContext
from workers.checks.locate.outline import Outline, document_outline
from workers.checks.manifest import Role
from workers.checks.model import Outcome, Region, Status
from workers.checks.quality import thresholds as t
from workers.checks.quality import views
from workers.checks.quality.held import held_outline
from workers.checks.spec import DOCUMENT_ROLES, DocumentCheck, Result

Measure = Callable[[DocumentContext, Outline], float]
SELFIE = frozenset({Role.SELFIE})


@dataclass(frozen=True)
class Rule:
    code: str  # documents; the selfie variant is "SELFIE_" + code
    summary: str
    remediation: str
    measure: Measure
    label: str  # what the number is called in the message
    unit: str
    problem: str  # "The document is blurry"
    fine: str  # "The document is sharp"
    higher_is_worse: bool
    limit: float
    selfie_limit: float | None  # None: not checked on the selfie's document
    roles: frozenset[Role] = DOCUMENT_ROLES
    status: Status = Status.FAIL
    scale: float = 1.0  # shown = measured * scale (fractions shown as percentages)
    shown_unit: str = ""  # written after numbers in the message (" degrees"); "%" when scale is 100
    detail: Callable[[DocumentContext, Outline], str] | None = None  # extra words for a failing message
    # Measure on the whole image when no document is found (documents only): an exposure so bad that the
    # document cannot be found is still worth naming.
    whole_image: Callable[[DocumentContext], float] | None = None
    # Reads the outline's exact corners or edges (geometry, fingers entering from an edge): not judged on a
    # rough outline (a held card placed by a weak feature match).
    precise: bool = False
    # When the document is a scanned or exported page (views.scanned_page: no EXIF camera make or model, and
    # the page fills the frame or lies on a scanner's white), a failing measure is the document's nature
    # rather than a capture's fault: the outcome is `pass`, and these words say why. From a camera it stays a
    # failure.
    flat_page: str | None = None
    # Where the document limit comes from, when not the seeded degradation set (t.SOURCE): the real corpus.
    source: str = t.SOURCE
    # The codes whose failure on the same document makes the document check moot (spec.DocumentCheck.moot_when);
    # the held card's variant (SELFIE_ + code) names none: these root causes are judged on a document's own photo.
    moot_when: tuple[str, ...] = ()


def unit(rule: Rule) -> str:
    """What follows a number in the rule's messages."""
    return "%" if rule.scale == 100 else rule.shown_unit


def _message(rule: Rule, value: float, limit: float, bad: bool, ctx: DocumentContext, outline: Outline | None) -> str:
    shown, bound = round(value * rule.scale, 4), round(limit * rule.scale, 4)  # as the finding records them
    unit_words = unit(rule)
    if rule.higher_is_worse:
        bound_words = "none allowed" if bound == 0 else f"at most {bound:.3g}{unit_words}"
    else:
        bound_words = f"needs at least {bound:.3g}{unit_words}"
    extra = rule.detail(ctx, outline) if (bad and rule.detail is not None and outline is not None) else ""
    where = "over the whole image, as no document was found: " if outline is None else ""
    head = rule.problem if bad else rule.fine
    return f"{head}{extra} ({where}{rule.label} {shown:.3g}{unit_words}, {bound_words})."


def _evaluator(rule: Rule, limit: float, held: bool) -> Callable[[DocumentContext], Result]:
    def evaluate(ctx: DocumentContext) -> Result:
        outline = held_outline(ctx) if held else document_outline(ctx.capture)
        if outline is None:
            if rule.whole_image is None or ctx.role is Role.SELFIE:
                return None  # DOC_NOT_FOUND reports it (documents); the selfie checks own "no document held"
            value = rule.whole_image(ctx)
        else:
            if outline.rough and rule.precise:
                return None
            value = rule.measure(ctx, outline)
        bad = value > limit if rule.higher_is_worse else value < limit
        message = _message(rule, value, limit, bad, ctx, outline)
        status = rule.status if bad else Status.PASS
        if bad and rule.flat_page is not None and outline is not None and views.scanned_page(ctx.capture, outline):
            status = Status.PASS
            shown, bound = round(value * rule.scale, 4), round(limit * rule.scale, 4)
            most = "at most" if rule.higher_is_worse else "at least"
            limit_words = f"a camera's photo must show {most} {bound:.3g}{unit(rule)}"
            message = f"{rule.flat_page} ({rule.label} {shown:.3g}{unit(rule)}; {limit_words})."
        return Outcome(
            status=status,
            message=message,
            measured=round(value * rule.scale, 4),
            threshold=round(limit * rule.scale, 4),
            unit=rule.unit,
            region=None if outline is None else Region(polygon=outline.polygon),
        )

    return evaluate


def _selfie_source(rule: Rule, limit: float) -> str:
    shown = f"{limit * rule.scale:g} {rule.unit}"
    measured = f"measured on held cards with and without the defect: {t.HELD_SOURCE}"
    if limit == rule.limit:
        return f"{shown}, as for documents ({rule.source}); {measured}"
    looser = (limit > rule.limit) == rule.higher_is_worse
    change = "relaxed from" if looser else "stricter than"
    relaxed = f"{change} the document limit ({rule.limit * rule.scale:g}) for a card held at arm's length"
    return f"{shown}: {relaxed}; {measured}"


def build(rule: Rule) -> list[DocumentCheck]:
    checks = [
        DocumentCheck(
            code=rule.code,
            summary=rule.summary,
            remediation=rule.remediation,
            threshold_source=f"{rule.limit * rule.scale:g} {rule.unit}: {rule.source}",
            roles=rule.roles,
            evaluate=_evaluator(rule, rule.limit, held=False),
            moot_when=rule.moot_when,
        )
    ]
    if rule.selfie_limit is not None:
        checks.append(
            DocumentCheck(
                code=f"SELFIE_{rule.code}",
                summary=f"{rule.summary} (the document held in the selfie; relaxed limit)",
                remediation=rule.remediation,
                threshold_source=_selfie_source(rule, rule.selfie_limit),
                roles=SELFIE,
                evaluate=_evaluator(rule, rule.selfie_limit, held=True),
            )
        )
    return checks
