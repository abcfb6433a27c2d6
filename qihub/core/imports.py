"""The import mechanism every ``qihub import KIND FILE`` plugs into.

An import reads the file twice, streaming both times so memory does not grow with the rows
(only a 16-byte digest of each row's key is kept, to find repeats):
first it validates every row and collects every error; only when there is none does it read
again and write everything in one transaction, in chunks. Either the whole file lands or nothing.
Each domain app registers its importers in ``AppConfig.ready()``.
"""

from __future__ import annotations

import csv
import hashlib
from abc import ABC, abstractmethod
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from itertools import islice
from pathlib import Path
from typing import Any, ClassVar, Generic, TypeVar

import numpy as np
from django.db import transaction

from qihub.core.errors import DomainError
from qihub.core.text import normalise_text

ParsedRow = TypeVar("ParsedRow")

CHUNK_SIZE = 1000
MAX_REPORTED_ERRORS = 1000


class ImportFileError(DomainError):
    """The file as a whole cannot be read (format, encoding, header)."""

    code = "import_file_invalid"


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column}: {self.message}"


class RowInvalid(Exception):
    """Raised by ``Importer.parse_row`` with every problem found in one row."""

    def __init__(self, errors: Sequence[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{column}: {message}" for column, message in errors))
        self.errors = list(errors)


@dataclass
class ImportCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def add(self, other: ImportCounts) -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged


@dataclass
class ImportResult:
    kind: str
    rows: int = 0
    counts: ImportCounts = field(default_factory=ImportCounts)
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "ok": self.ok,
            "dry_run": self.dry_run,
            "rows": self.rows,
            "created": self.counts.created,
            "updated": self.counts.updated,
            "unchanged": self.counts.unchanged,
            "error_count": self.error_count,
            "errors": [
                {"row": e.row, "column": e.column, "message": e.message} for e in self.errors
            ],
        }


class Importer(ABC, Generic[ParsedRow]):
    """One kind of import. Subclasses say which columns they need, how to parse a row, and how to
    write a chunk of parsed rows. ``by`` is the acting user (None for a trusted command line)."""

    kind: ClassVar[str]
    columns: ClassVar[tuple[str, ...]]
    required_columns: ClassVar[tuple[str, ...]] = ()

    def prepare(self) -> None:
        """Load lookups (codes, existing keys) once, before the first row is parsed."""

    @abstractmethod
    def key(self, parsed: ParsedRow) -> str:
        """The natural key of the row, used to reject duplicates within one file."""

    def describe_key(self, parsed: ParsedRow) -> str:
        """How a duplicate is named in its error message; the key unless that is a digest."""
        return self.key(parsed)

    @abstractmethod
    def parse_row(self, row: dict[str, str]) -> ParsedRow:
        """Check one row; raise RowInvalid with every problem found."""

    @abstractmethod
    def write_chunk(self, rows: Sequence[ParsedRow], *, by: Any) -> ImportCounts:
        """Upsert parsed rows by natural key, called inside the import's transaction."""


def read_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (row number, {column: value}) from CSV (UTF-8) or XLSX; row 1 is the header.

    Values are normalised (half-width, single spaces, trimmed); empty cells are ''.
    """
    suffix = path.suffix.lower()
    if suffix == ".csv":
        yield from _read_csv(path)
    elif suffix == ".xlsx":
        yield from _read_xlsx(path)
    else:
        raise ImportFileError(f"{path.name}: unsupported file type '{suffix}'; use .csv or .xlsx")


def _clean(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime) and value.time() == time(0, 0):
        value = value.date()  # XLSX stores dates as midnight datetimes
    if isinstance(value, date | datetime):
        return value.isoformat()
    return normalise_text(str(value))


def _header(raw: Sequence[Any]) -> list[str]:
    return [_clean(cell).lower() for cell in raw]


def _read_csv(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as error:
        raise ImportFileError(f"{path}: cannot open ({error.strerror})") from error
    with handle:
        try:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is None:
                raise ImportFileError(f"{path.name}: the file is empty; a header row is required")
            names = _header(header)
            for number, cells in enumerate(reader, start=2):
                if not any(cell.strip() for cell in cells):
                    continue
                yield number, _row_dict(names, cells)
        except UnicodeDecodeError as error:
            raise ImportFileError(
                f"{path.name}: not UTF-8 text (byte {error.start}); save the file as UTF-8 CSV"
            ) from error
        except csv.Error as error:
            raise ImportFileError(f"{path.name}: malformed CSV ({error})") from error


def _read_xlsx(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(filename=path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for a broken file
        raise ImportFileError(f"{path.name}: not a readable XLSX workbook ({error})") from error
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise ImportFileError(
                f"{path.name}: the first sheet is empty; a header row is required"
            )
        names = _header(header)
        for number, cells in enumerate(rows, start=2):
            values = [_clean(cell) for cell in cells]
            if not any(values):
                continue
            yield number, _row_dict(names, values)
    finally:
        workbook.close()


def _row_dict(names: list[str], cells: Sequence[Any]) -> dict[str, str]:
    row = {name: _clean(cells[i]) if i < len(cells) else "" for i, name in enumerate(names) if name}
    if len(cells) > len(names):
        extra = [c for c in cells[len(names) :] if _clean(c)]
        if extra:
            row["__extra__"] = "1"
    return row


def check_header(importer: Importer[Any], path: Path) -> None:
    for _number, row in islice(read_rows(path), 1):
        missing = [c for c in (importer.required_columns or importer.columns) if c not in row]
        if missing:
            raise ImportFileError(
                f"{path.name}: missing column(s) {', '.join(missing)}; "
                f"expected header: {','.join(importer.columns)}"
            )


def _validate(importer: Importer[ParsedRow], path: Path, result: ImportResult) -> None:
    keys = _KeyLog()
    for number, row in read_rows(path):
        result.rows += 1
        if row.pop("__extra__", None):
            _add_error(result, RowError(number, "-", "more cells than header columns"))
        try:
            parsed = importer.parse_row(row)
        except RowInvalid as invalid:
            for column, message in invalid.errors:
                _add_error(result, RowError(number, column, message))
            continue
        keys.add(importer.key(parsed), number)
    duplicates = keys.repeats()
    if duplicates:
        _report_duplicates(importer, path, duplicates, result)
        result.errors.sort(key=lambda error: error.row)


class _KeyLog:
    """Every valid row's natural key, as a 64-bit digest beside its row number.

    Two flat arrays (16 bytes a row) instead of a dict of key strings: a 5-million-line scope
    file needs about 80 MB here, not gigabytes. Duplicates are found once, at the end, by
    sorting; a digest collision (about one in 10^12 files of that size) would report two
    different rows as duplicates, and the message names both rows, so it shows.
    """

    def __init__(self) -> None:
        self.digests = array("Q")
        self.rows = array("Q")

    def add(self, key: str, row: int) -> None:
        digest = hashlib.blake2b(key.encode(), digest_size=8).digest()
        self.digests.append(int.from_bytes(digest, "little"))
        self.rows.append(row)

    def repeats(self) -> dict[int, int]:
        """{row of a repeat: row where its key first appeared}."""
        if len(self.digests) < 2:
            return {}
        digests = np.frombuffer(self.digests, dtype=np.uint64)
        rows = np.frombuffer(self.rows, dtype=np.uint64)
        order = np.lexsort((rows, digests))  # by digest, then by row
        sorted_digests = digests[order]
        positions = np.arange(len(order))
        starts = np.ones(len(order), dtype=bool)
        starts[1:] = sorted_digests[1:] != sorted_digests[:-1]
        # For each position, the position where its run of equal digests starts.
        first = np.maximum.accumulate(np.where(starts, positions, 0))
        repeats = np.flatnonzero(~starts)
        return {
            int(rows[order[position]]): int(rows[order[first[position]]]) for position in repeats
        }


def _report_duplicates(
    importer: Importer[ParsedRow], path: Path, duplicates: dict[int, int], result: ImportResult
) -> None:
    """Name each repeated row the way it reads: a short extra pass parses only those rows."""
    for number, row in read_rows(path):
        first = duplicates.get(number)
        if first is None:
            continue
        row.pop("__extra__", None)
        shown = importer.describe_key(importer.parse_row(row))
        _add_error(
            result,
            RowError(number, importer.columns[0], f"'{shown}' already appears in row {first}"),
        )


def _add_error(result: ImportResult, error: RowError) -> None:
    result.error_count += 1
    if len(result.errors) < MAX_REPORTED_ERRORS:
        result.errors.append(error)


def _parsed_rows(importer: Importer[ParsedRow], path: Path) -> Iterator[ParsedRow]:
    for _number, row in read_rows(path):
        row.pop("__extra__", None)
        yield importer.parse_row(row)


def _chunks(rows: Iterable[ParsedRow], size: int) -> Iterator[list[ParsedRow]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def run_import(
    importer: Importer[Any], path: Path, *, by: Any = None, dry_run: bool = False
) -> ImportResult:
    """Validate the whole file, then (unless dry_run or invalid) write it all in one transaction."""
    result = ImportResult(kind=importer.kind, dry_run=dry_run)
    importer.prepare()
    check_header(importer, path)
    _validate(importer, path, result)
    if not result.ok or dry_run:
        return result
    with transaction.atomic():
        for chunk in _chunks(_parsed_rows(importer, path), CHUNK_SIZE):
            result.counts.add(importer.write_chunk(chunk, by=by))
    return result


_registry: dict[str, type[Importer[Any]]] = {}


def register_importer(importer: type[Importer[Any]]) -> type[Importer[Any]]:
    """Called from an app's ready(); the registry is filled once at start-up and then only read."""
    _registry[importer.kind] = importer
    return importer


def importer_for(kind: str) -> Importer[Any]:
    try:
        return _registry[kind]()
    except KeyError:
        known = ", ".join(sorted(_registry)) or "none"
        raise ImportFileError(f"unknown import kind '{kind}'; known kinds: {known}") from None


def importer_kinds() -> list[str]:
    return sorted(_registry)
