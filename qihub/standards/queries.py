"""Which edition of a standard is in force, and the whole chain of its editions."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from qihub.standards.codes import parse_standard_code
from qihub.standards.errors import StandardNotFound
from qihub.standards.models import Standard

MAX_CHAIN = 50  # far longer than any real chain; stops a corrupted cycle from looping


@dataclass(frozen=True)
class StandardLookup:
    standard: Standard
    current: Standard | None
    versions: list[Standard]


def version_chain(standard: Standard) -> list[Standard]:
    """Every edition linked to this one by replaces/replaced-by, oldest first."""
    # Editions sharing the base code belong together even where no link was recorded.
    seen: dict[int, Standard] = {s.pk: s for s in Standard.objects.of_base(standard.base_code)}
    seen[standard.pk] = standard
    frontier = list(seen)
    links = Standard.replaces.through.objects
    while frontier and len(seen) < MAX_CHAIN:
        # Two indexed lookups on the link table, not an OR across two joins of the big table.
        neighbours = set(
            links.filter(from_standard_id__in=frontier).values_list("to_standard_id", flat=True)
        ) | set(
            links.filter(to_standard_id__in=frontier).values_list("from_standard_id", flat=True)
        )
        frontier = []
        for edition in Standard.objects.filter(pk__in=neighbours - set(seen)):
            seen[edition.pk] = edition
            frontier.append(edition.pk)
    return sorted(seen.values(), key=lambda s: (s.year or 0, s.code))


def in_force(chain: list[Standard]) -> Standard | None:
    """The newest edition of the chain that is current; None when every edition is withdrawn
    or superseded with no successor in force."""
    current = [s for s in chain if s.status == Standard.Status.CURRENT]
    return current[-1] if current else None


def lookup_standard(raw: str) -> StandardLookup:
    """Find a standard by any spelling of its code. Without a year: the edition in force (or the
    newest). Raises InvalidStandardCode or StandardNotFound."""
    code = parse_standard_code(raw)
    if code.year is not None:
        standard = Standard.objects.filter(code=code.canonical).first()
    else:
        editions = list(Standard.objects.of_base(code.base).order_by("year", "code"))
        standard = in_force(editions) or (editions[-1] if editions else None)
    if standard is None:
        raise StandardNotFound(_("目录中没有标准“%(code)s”") % {"code": code.canonical})
    chain = version_chain(standard)
    return StandardLookup(standard=standard, current=in_force(chain), versions=chain)
