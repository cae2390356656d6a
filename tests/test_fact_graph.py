"""Facts depend on facts through an acyclic graph (issue #17 item 1): while a fact is built, every fact it asks
for is recorded as its dependency (capture.fact_graph), over whole engine runs on an individual and a corporate
bundle; the graph must hold the dependencies the domains are built on and no cycle."""

from __future__ import annotations

from skimage import data as skdata

from tests.fixtures.documents import encode_jpeg, render_bill, render_id_card
from tests.fixtures.engine_runs import run_engine
from tests.fixtures.identity_docs import render_authorization_letter, render_registration
from workers.checks.capture import fact_graph
from workers.checks.manifest import AccountType, BundleSpec, DocumentSpec, Profile, Role


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


def test_the_facts_depend_on_each_other_without_a_cycle() -> None:
    graph = _recorded_graph()
    # What the domains are built on: the document's outline under the quality measures and the readers, the
    # held card under the selfie's scene, one detection shared by the MRZ and the page readers.
    assert "locate.reduced_view" in graph["locate.document_outline"]
    assert "locate.document_outline" in graph["identity.mrz"]
    assert "face.held_document" in graph["face.selfie_scene"]
    assert "face.held_document" in graph["quality.held_outline"]
    assert "identity.area_view" in graph["identity.detected_text"]
    assert "locate.document_crop" in graph["quality.print_chroma"]

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

    cycles = [found for fact in sorted(graph) if (found := cycle_from(fact, ())) is not None]
    assert cycles == []
