"""Writing a demo dataset through the accounts services, chunk by chunk.

Regulators go through ``register_organisation`` (their kind needs a jurisdiction). Everything else
goes through ``upsert_organisations``, the bulk path imports use, a few thousand rows per
transaction, so memory stays flat and an interrupted run can simply be started again. The profile
fields the upsert does not write (phone, website, description, coordinates) are set right after,
in the same transaction, with the same checks and audit entries ``update_organisation_profile``
makes, but in bulk.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from time import perf_counter
from typing import Any

from django.db import reset_queries, transaction

from qihub.accounts.models import Organisation
from qihub.accounts.services import (
    register_organisation,
    set_organisation_profiles,
    upsert_organisations,
)
from qihub.core.imports import ImportCounts, importer_for, run_import
from qihub.demo.catalogue import fill_catalogue
from qihub.demo.certificates import DemoCertificates, load_certificate_demo
from qihub.demo.declarations import load_declaration_demo
from qihub.demo.institutions import InstitutionDemoReport, load_institution_demo
from qihub.demo.local_standards import load_local_standard_demo
from qihub.demo.organisations import DemoGenerator, DemoOrganisation
from qihub.demo.people import DEMO_PASSWORD, Login, ensure_personas
from qihub.demo.places import load_geography
from qihub.demo.proficiency import load_proficiency_demo
from qihub.demo.requests import load_request_demo
from qihub.demo.scales import Scale
from qihub.demo.standardisation import StandardisationCounts, load_standardisation_demo
from qihub.reference.loader import ensure_reference_data
from qihub.reference.models import Region
from qihub.standards.importers import SHIPPED_CATALOGUE
from qihub.standards.models.projects import LocalStandardProject

DEFAULT_SEED = 2025
# Rows per transaction: large enough that per-statement overhead vanishes, small enough that a
# national run holds only a few thousand objects at once and SQLite's write lock is short.
CHUNK_SIZE = 2_000


@dataclass
class DemoReport:
    scale: str
    seed: int
    by_kind: dict[str, int]
    organisations: ImportCounts = field(default_factory=ImportCounts)
    profiles_set: int = 0
    users_created: int = 0
    users_existing: int = 0
    memberships_added: int = 0
    logins: list[Login] = field(default_factory=list)
    standards: ImportCounts = field(default_factory=ImportCounts)
    standards_generated: int = 0
    local_standard_projects: int = 0
    declarations: int = 0
    standardisation: StandardisationCounts = field(default_factory=StandardisationCounts)
    institutions: InstitutionDemoReport = field(default_factory=InstitutionDemoReport)
    certificates: DemoCertificates = field(default_factory=DemoCertificates)
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        counts = self.organisations
        return bool(
            counts.created
            or counts.updated
            or self.profiles_set
            or self.users_created
            or self.memberships_added
            or self.standards.created
            or self.standards.updated
            or self.standards_generated
            or self.local_standard_projects
            or self.declarations
            or self.standardisation.changed
            or self.institutions.changed
            or self.certificates.changed
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "scale": self.scale,
            "seed": self.seed,
            "by_kind": self.by_kind,
            "total": sum(self.by_kind.values()),
            "organisations": {
                "created": self.organisations.created,
                "updated": self.organisations.updated,
                "unchanged": self.organisations.unchanged,
            },
            "profiles_set": self.profiles_set,
            "users": {
                "created": self.users_created,
                "existing": self.users_existing,
                "memberships_added": self.memberships_added,
            },
            "standards": {
                "created": self.standards.created,
                "updated": self.standards.updated,
                "unchanged": self.standards.unchanged,
                "generated": self.standards_generated,
            },
            "local_standard_projects_created": self.local_standard_projects,
            "declarations_published": self.declarations,
            "standardisation": self.standardisation.as_dict(),
            "institutions": self.institutions.as_dict(),
            "certificates": self.certificates.as_dict(),
            "changed": self.changed,
            "password": DEMO_PASSWORD,
            "logins": [login.as_dict() for login in self.logins],
            "seconds": round(self.seconds, 2),
        }


def load_demo(
    *,
    scale: Scale,
    seed: int,
    chunk_size: int = CHUNK_SIZE,
    progress: Callable[[DemoReport], None] | None = None,
) -> DemoReport:
    """Generate and write one scale. Re-running with the same scale and seed changes nothing.

    Raises MissingReferenceData when the reference tables cannot be read.
    """
    started = perf_counter()
    ensure_reference_data()
    generator = DemoGenerator(geography=load_geography(), scale=scale, seed=seed)
    report = DemoReport(scale=scale.name, seed=seed, by_kind=dict.fromkeys(scale.counts, 0))
    regions = {region.code: region for region in Region.objects.all()}

    for regulator in generator.regulators[: scale.counts[Organisation.Kind.REGULATOR]]:
        _register_regulator(regulator, regions, report)
    for chunk in chunks(generator.organisations(), chunk_size):
        counts, profiles_set = write_chunk(chunk, regions)
        report.organisations.add(counts)
        report.profiles_set += profiles_set
        for item in chunk:
            report.by_kind[item.data.kind] += 1
        # With QIHUB_DEBUG on, Django keeps the last 9,000 statements, each holding a chunk's
        # worth of values: clear them so a national run stays flat.
        reset_queries()
        if progress is not None:
            progress(report)

    anchors = persona_anchors(generator)
    people, report.logins = ensure_personas(anchors)
    report.users_created = people.users_created
    report.users_existing = people.users_existing
    report.memberships_added = people.memberships_added
    load_standards_work(scale=scale, seed=seed, report=report)
    # After the catalogue: capability lines link the standards they cite.
    report.institutions = load_institution_demo(scale=scale, seed=seed, generator=generator)
    # PT rounds: the labs enrolled are the institutions above; follow-ups need the personas.
    load_proficiency_demo(scale=scale, seed=seed)
    # After the institutions: certification bodies issue under their CNCA-CB approvals.
    report.certificates = load_certificate_demo(scale=scale, seed=seed)
    # Last: service requests between the demo personas need their lab's capability lines.
    load_request_demo()
    report.seconds = perf_counter() - started
    return report


def write_chunk(
    chunk: Sequence[DemoOrganisation], regions: dict[str, Region]
) -> tuple[ImportCounts, int]:
    """Upsert one chunk and set its profiles in one transaction: (upsert counts, profiles set)."""
    with transaction.atomic():
        counts = upsert_organisations([item.data for item in chunk], by=None, regions=regions)
        return counts, set_profiles(chunk)


def load_standards_work(*, scale: Scale, seed: int, report: DemoReport) -> None:
    """The real catalogue, then projects and declarations up to the scale's numbers.

    After the organisations and logins: projects need drafting bodies, regulators and a platform
    administrator; declarations need enterprises and standards in force.
    """
    report.standards = run_import(importer_for("standards"), SHIPPED_CATALOGUE).counts
    report.standards_generated = fill_catalogue(target=scale.catalogue_size, seed=seed)
    missing_projects = scale.local_standard_projects - LocalStandardProject.objects.count()
    if missing_projects > 0:
        report.local_standard_projects = load_local_standard_demo(seed=seed, count=missing_projects)
    report.declarations = load_declaration_demo(seed=seed, count=scale.declarations)
    # Registries last: national contributions cite the catalogue's national standards.
    report.standardisation = load_standardisation_demo(scale=scale, rng=random.Random(seed))


def chunks(items: Iterable[DemoOrganisation], size: int) -> Iterator[list[DemoOrganisation]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _register_regulator(
    regulator: DemoOrganisation, regions: dict[str, Region], report: DemoReport
) -> None:
    report.by_kind[regulator.data.kind] += 1
    if Organisation.objects.filter(uscc=regulator.data.uscc).exists():
        report.organisations.unchanged += 1
        return
    register_organisation(
        data=regulator.data,
        by=None,
        jurisdiction=regions[regulator.jurisdiction_code],
        profile=dict(regulator.profile),
    )
    report.organisations.created += 1


def set_profiles(chunk: Sequence[DemoOrganisation]) -> int:
    """Write the demo profile fields that differ from what is stored; returns how many changed.

    Call inside the chunk's transaction, right after ``upsert_organisations``.
    """
    return set_organisation_profiles(
        profiles={item.data.uscc: item.profile for item in chunk}, by=None
    )


def persona_anchors(generator: DemoGenerator) -> dict[str, Organisation]:
    """The organisations the demo logins join: showcase ones by kind, regulators by region."""
    keys = {o.data.uscc: o.data.kind for o in generator.showcase}
    keys.update({o.data.uscc: o.jurisdiction_code for o in generator.regulators})
    return {keys[o.uscc]: o for o in Organisation.objects.filter(uscc__in=list(keys))}
