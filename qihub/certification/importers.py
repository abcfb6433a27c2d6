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

from qihub.certification.errors import InvalidCertificate
from qihub.certification.models import CertificateStatusChange
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
