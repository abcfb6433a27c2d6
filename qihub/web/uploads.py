"""What the self-service upload pages share: the early size refusal, the temporary copy the
importers stream twice, and the outcome the page shows (``web/_upload_outcome.html``)."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest
from django.utils.translation import gettext as _

from qihub.core.errors import DomainError
from qihub.core.imports import ImportFileError, ImportResult, RowError
from qihub.web.forms import uploads as upload_forms

SHOWN_ROW_ERRORS = 200
# A request body this much larger than the file limit is refused before it is read.
UPLOAD_OVERHEAD_BYTES = 64 * 1024


@dataclass(frozen=True)
class UploadOutcome:
    result: ImportResult | None = None
    file_error: str = ""  # the file could not be read: nothing was checked
    write_error: str = ""  # a service refused the write: nothing was written
    removed: int = 0  # rows a replacing import deleted
    replaced: str = ""  # what a replacing import replaced, as the page names it

    @property
    def errors(self) -> list[RowError]:
        return self.result.errors[:SHOWN_ROW_ERRORS] if self.result else []

    @property
    def ok(self) -> bool:
        return self.result is not None and self.result.ok and not self.write_error


def too_large_outcome(request: HttpRequest) -> UploadOutcome | None:
    """The outcome to show, unread, when the request body cannot hold an acceptable file:
    said on the page rather than with a bare 413 from deeper down."""
    length = int(request.META.get("CONTENT_LENGTH") or 0)
    if length <= upload_forms.MAX_UPLOAD_BYTES + UPLOAD_OVERHEAD_BYTES:
        return None
    return UploadOutcome(file_error=_("文件超过 20 MB，请拆分后分批上传"))


def import_upload(
    upload: UploadedFile, stem: str, run: Callable[[Path], UploadOutcome]
) -> UploadOutcome:
    """Copy the upload to a temporary file (importers read it twice, streaming) and ``run`` the
    import on it. A file that cannot be read, or a write a service refuses, becomes the
    outcome's error; the import's transaction has then written nothing. The copy is always
    removed."""
    suffix = Path(upload.name or f"{stem}.csv").suffix.lower()
    with tempfile.TemporaryDirectory(prefix=f"qihub-{stem}-") as directory:
        path = Path(directory) / f"{stem}{suffix}"
        with path.open("wb") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
        try:
            return run(path)
        except ImportFileError as error:
            return UploadOutcome(file_error=error.detail)
        except DomainError as error:
            return UploadOutcome(write_error=error.detail)
