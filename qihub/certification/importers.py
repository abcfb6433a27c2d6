"""``qihub import certificates FILE``.

Columns (DESIGN.md): ``number,cb_uscc,holder_uscc,holder_name,cert_type,standard,scope,
issued_on,expires_on,status``, plus the optional ``status_reason`` and ``accredited``. Every row
is checked first (``records.read_certificate``); then all rows are written in one transaction,
idempotent by (body, number): re-running the same file changes no certificate (it does refresh
each body's "data as of"). ``--as USER`` writes as that user, who must be a member of every body
in the file. A status change the history forbids (withdrawn → active) fails the whole import.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from qihub.accounts.identifiers import make_uscc
from qihub.accounts.models import Organisation
from qihub.certification.errors import InvalidCertificate
from qihub.certification.models import Certificate, CertificateStatusChange
from qihub.certification.records import (
    COLUMNS,
    REQUIRED_COLUMNS,
    CertificateData,
    CertificateLookups,
    read_certificate,
)
from qihub.certification.services import upsert_certificates
from qihub.core.imports import ImportCounts, Importer, RowInvalid


class CertificateImporter(Importer[CertificateData]):
    kind = "certificates"
    columns = COLUMNS
    required_columns = REQUIRED_COLUMNS

    def __init__(self, lookups: CertificateLookups | None = None) -> None:
        self.lookups = lookups
        self.uploaded_at: datetime | None = None

    def prepare(self) -> None:
        if self.lookups is None:
            self.lookups = CertificateLookups.load()
        self.uploaded_at = timezone.now()

    def key(self, parsed: CertificateData) -> str:
        return f"{parsed.cb_id} {parsed.number}"

    def describe_key(self, parsed: CertificateData) -> str:
        return parsed.number

    def parse_row(self, row: dict[str, str]) -> CertificateData:
        assert self.lookups is not None  # noqa: S101 - prepare() ran (run_import calls it first)
        try:
            return read_certificate(row, self.lookups)
        except InvalidCertificate as error:
            raise RowInvalid(error.errors) from error

    def write_chunk(self, rows: Sequence[CertificateData], *, by: Any) -> ImportCounts:
        return upsert_certificates(
            rows, by=by, source=CertificateStatusChange.Source.IMPORT, uploaded_at=self.uploaded_at
        )


# The template's example holder: a valid Dalian USCC that reads "EXAMPL", refused on upload so
# that an example row left in the file never reaches the public register.
EXAMPLE_HOLDER_USCC = make_uscc("91210200MA0EXAMPL")


class BodyCertificateImporter(CertificateImporter):
    """The import as one body's desk runs it: every row must be that body's (a member of two
    bodies uploads on each one's desk), and the template's example row is refused. Both are
    row errors, found in the check before anything is written. The services check the writer's
    right to the body again."""

    def __init__(self, body: Organisation) -> None:
        super().__init__()
        self.body = body

    def parse_row(self, row: dict[str, str]) -> CertificateData:
        parsed = super().parse_row(row)
        problems: list[tuple[str, str]] = []
        if parsed.cb_id != self.body.pk:
            problems.append(("cb_uscc", _("只能报送本机构颁发的证书，不能写入其他机构的证书")))
        if parsed.holder_uscc == EXAMPLE_HOLDER_USCC:
            problems.append(
                ("holder_uscc", _("这是模板中的示例行，请删除或改为真实的证书后再上传"))
            )
        if problems:
            raise RowInvalid(problems)
        return parsed


def template_rows(body: Organisation) -> list[list[str]]:
    """The import's header row and one example row for ``body`` (refused if uploaded as is)."""
    example = {
        "number": "00124Q31234R2M",
        "cb_uscc": body.uscc,
        "holder_uscc": EXAMPLE_HOLDER_USCC,
        "holder_name": _("大连示例阀门有限公司"),
        "cert_type": "MS-QMS",
        "standard": "GB/T 19001-2016",
        "scope": _("阀门的设计、生产和服务"),
        "issued_on": "2025-01-15",
        "expires_on": "2028-01-14",
        "status": Certificate.Status.ACTIVE.value,
        "status_reason": "",
        "accredited": "true",
    }
    return [list(COLUMNS), [str(example[name]) for name in COLUMNS]]
