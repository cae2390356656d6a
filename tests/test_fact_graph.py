"""Facts depend on facts through an explicit, acyclic graph (issue #17 item 1). Each fact declares what it
needs (`Fact(..., needs=...)`); while a fact is built, every fact it asks for is recorded as its dependency
(capture.fact_graph), over whole engine runs on an individual and a corporate bundle. Every recorded dependency
must be declared, every declared one must name a declared fact, and the declared graph has no cycle."""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from skimage import data as skdata

import workers.checks
from tests.fixtures.documents import encode_jpeg, render_bill, render_id_card
from tests.fixtures.engine_runs import run_engine
from tests.fixtures.identity_docs import render_authorization_letter, render_registration
from workers.checks.capture import Fact, fact_graph
from workers.checks.manifest import AccountType, BundleSpec, DocumentSpec, Profile, Role


@cache
def _recorded_graph() -> dict[str, set[str]]:
    individual = BundleSpec(
        reference="I-1",
        profile=Profile(full_name="Anna Maria Eriksson"),
        documents=[
            DocumentSpec(role=Role.ID_DOCUMENT, file="id.jpg", type="id_card"),
            DocumentSpec(role=Role.SELFIE, file="selfie.jpg"),
            DocumentSpec(role=Role.PROOF_OF_ADDRESS, file="bill.jpg", type="utility_bill"),
        ],
    )
    corporate = BundleSpec(
        reference="C-1",
        profile=Profile(
            full_name="Jorgen Hansen", company_name="Nordlicht Energy ApS", registration_number="DK 39124471"
        ),
        documents=[
            DocumentSpec(role=Role.BUSINESS_REGISTRATION, file="registration.jpg"),
            DocumentSpec(role=Role.AUTHORIZATION_LETTER, file="letter.jpg"),
        ],
        account_type=AccountType.CORPORATE,
    )
    files = {
        "id.jpg": encode_jpeg(render_id_card(seed=3)),
        "selfie.jpg": encode_jpeg(skdata.astronaut()),  # type: ignore[no-untyped-call]
        "bill.jpg": encode_jpeg(render_bill(seed=3)),
        "registration.jpg": encode_jpeg(
            render_registration("NORDLICHT ENERGY APS", "DK 39124471", issued="3 March 2026")
        ),
        "letter.jpg": encode_jpeg(render_authorization_letter("Nordlicht Energy ApS", "Jorgen Hansen")),
    }
    graph: dict[str, set[str]] = {}
    with fact_graph() as edges:
        run_engine(individual, files)
        run_engine(corporate, files)
    for fact, dependency in edges:
        if fact != dependency:  # one fact made from itself at another size (capture.halved, level by level)
            graph.setdefault(fact, set()).add(dependency)
    return graph


def _declared_graph() -> dict[str, set[str]]:
    """Every fact declared at module level in workers.checks (name -> the names it declares it needs)."""
    graph: dict[str, set[str]] = {}
    for module in pkgutil.walk_packages(workers.checks.__path__, "workers.checks."):
        for value in vars(importlib.import_module(module.name)).values():
            if isinstance(value, Fact) and not value.params:
                graph.setdefault(value.name, set()).update(value.needs)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[tuple[str, ...]]:
    done: set[str] = set()

    def cycle_from(fact: str, path: tuple[str, ...]) -> tuple[str, ...] | None:
        if fact in path:
            return (*path, fact)
        if fact in done:
            return None
        for dependency in sorted(graph.get(fact, ())):
            if (found := cycle_from(dependency, (*path, fact))) is not None:
                return found
        done.add(fact)
        return None

    return [found for fact in sorted(graph) if (found := cycle_from(fact, ())) is not None]


def test_the_facts_depend_on_each_other_without_a_cycle() -> None:
    graph = _recorded_graph()
    # What the domains are built on: the edge outline under the readers and the document's outline (which a
    # read MRZ may place), the outline under the quality measures, the held card under the selfie's scene, one
    # detection shared by the MRZ and the page readers.
    assert "locate.reduced_view" in graph["locate.edge_outline"]
    assert "locate.edge_outline" in graph["locate.document_outline"]
    assert "locate.edge_outline" in graph["identity.mrz"]
    assert "locate.document_outline" not in graph["identity.mrz"]
    assert "face.held_document" in graph["face.selfie_scene"]
    assert "face.held_document" in graph["quality.held_outline"]
    assert "identity.area_view" in graph["identity.detected_text"]
    assert "locate.document_crop" in graph["quality.print_chroma"]
    assert _cycles(graph) == []


def test_every_dependency_a_fact_is_built_with_is_declared() -> None:
    declared = _declared_graph()
    assert len(declared) >= 40  # the walk found the engine's facts
    undeclared = {
        (fact, dependency)
        for fact, dependencies in _recorded_graph().items()
        for dependency in dependencies
        if dependency not in declared.get(fact, set())
    }
    assert undeclared == set()


def test_the_declared_graph_names_only_facts_and_has_no_cycle() -> None:
    declared = _declared_graph()
    unknown = {(fact, need) for fact, needs in declared.items() for need in needs if need not in declared}
    assert unknown == set()
    assert _cycles(declared) == []
    # A made-up cycle is found: the walk is not vacuous.
    assert _cycles({**declared, "capture.halved": {"identity.mrz"}}) != []
