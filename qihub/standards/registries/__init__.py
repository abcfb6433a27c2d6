"""The standardisation registries: technical committees, pilot/demonstration projects and
national standards led or joined by Liaoning organisations, counted against the plan's targets.

Writes are keyword-only services taking the acting user as ``by`` (None: a trusted command line
or the demo loader), each in one transaction with its audit entry. Who may write: platform
administrators and the provincial regulator for everything; a city regulator for pilot projects
and contributions of organisations in its city. The ``upsert_*`` functions are the bulk paths
of ``qihub import`` (trusted callers, like ``accounts.services.upsert_organisations``).

Reads are plain filters: these registries hold hundreds of rows, so a query is matched with
``icontains`` over a ``search_text`` column (name, English name, scope, the name's pinyin and
its initials), word by word, every word required.

One module per concern: ``common`` (errors, who may write, shared validation and search
helpers), ``committees``, ``pilots``, ``contributions`` (each with its reads, ``*_matching``)
and ``counts`` (the registries against their plan targets). This module re-exports what the
rest of the code imports.
"""

from qihub.standards.registries.committees import (
    CommitteeData,
    clean_committee_data,
    committees_matching,
    register_committee,
    update_committee,
    upsert_committees,
)
from qihub.standards.registries.common import (
    AcceptanceDateRequired,
    DuplicateCommitteeCode,
    DuplicateContribution,
    DuplicatePilotProject,
    InvalidRegistryEntry,
    NotANationalStandard,
    Problem,
    RegistryActionNotAllowed,
    RegistryDatesOutOfOrder,
    UnknownOrganisation,
    find_organisation,
)
from qihub.standards.registries.contributions import (
    CleanContribution,
    ContributionData,
    clean_contribution_data,
    contributions_matching,
    link_contributions_to_catalogue,
    record_contribution,
    update_contribution,
    upsert_contributions,
)
from qihub.standards.registries.counts import registry_counts
from qihub.standards.registries.pilots import (
    PilotProjectData,
    clean_pilot_project_data,
    pilot_projects_matching,
    register_pilot_project,
    update_pilot_project,
    upsert_pilot_projects,
)

__all__ = [
    "AcceptanceDateRequired",
    "CleanContribution",
    "CommitteeData",
    "ContributionData",
    "DuplicateCommitteeCode",
    "DuplicateContribution",
    "DuplicatePilotProject",
    "InvalidRegistryEntry",
    "NotANationalStandard",
    "PilotProjectData",
    "Problem",
    "RegistryActionNotAllowed",
    "RegistryDatesOutOfOrder",
    "UnknownOrganisation",
    "clean_committee_data",
    "clean_contribution_data",
    "clean_pilot_project_data",
    "committees_matching",
    "contributions_matching",
    "find_organisation",
    "link_contributions_to_catalogue",
    "pilot_projects_matching",
    "record_contribution",
    "register_committee",
    "register_pilot_project",
    "registry_counts",
    "update_committee",
    "update_contribution",
    "update_pilot_project",
    "upsert_committees",
    "upsert_contributions",
    "upsert_pilot_projects",
]
