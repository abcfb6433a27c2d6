"""Shared set-up for certification tests: approved bodies, import helpers, the batch shape."""

from __future__ import annotations

import csv
import json
from io import StringIO
from typing import Any

from django.core.management import CommandError, call_command

from qihub.accounts.models import Organisation
from qihub.accounts.tests.factories import (
    uscc_for,
)

HEADER = (
    "number,cb_uscc,holder_uscc,holder_name,cert_type,standard,scope,issued_on,expires_on,status"
)
HOLDER_USCC = uscc_for(7001, "210200")  # a Dalian company not yet on the platform


def write_csv(path, rows, header=HEADER):
    buffer = StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header.split(","))
    for row in rows:
        writer.writerow(row)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def run_command(*args: str) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
    except CommandError as error:
        err.write(str(error))
        return error.returncode, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def run_import(path, *extra: str) -> tuple[int, str, str]:
    return run_command("import", "certificates", str(path), *extra)


def run_json(path, *extra: str) -> tuple[int, dict[str, Any]]:
    code, out, _err = run_import(path, "--json", *extra)
    return code, json.loads(out)


def row(cb: Organisation, number: str = "00124Q31001R0M", **changes: str) -> list[str]:
    values = {
        "number": number,
        "cb_uscc": cb.uscc,
        "holder_uscc": HOLDER_USCC,
        "holder_name": "大连海通阀门有限公司",
        "cert_type": "MS-QMS",
        "standard": "GB/T 19001-2016",
        "scope": "阀门的设计和生产",
        "issued_on": "2024-01-15",
        "expires_on": "2027-01-14",
        "status": "active",
    }
    values.update(changes)
    return [values[name] for name in HEADER.split(",")]


def item(cb: Organisation, number: str = "00124Q31001R0M", **changes: Any) -> dict[str, Any]:
    """One batch item (the import fields as JSON)."""
    return dict(zip(HEADER.split(","), row(cb, number), strict=True)) | changes
