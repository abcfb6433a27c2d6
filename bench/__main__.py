"""``python -m bench [--quick] [-k NAME]``: run every bench_*.py, print a table, save JSON.

Runs on a throwaway SQLite file in a temporary directory (QIHUB_DATABASE_URL is set before Django
starts), so it never touches var/db.sqlite3. Results go to bench/results/latest.json.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import secrets
import shutil
import sqlite3
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import django
from django.core.management import call_command

from bench import Context, Result

BENCH_DIR = Path(__file__).resolve().parent
RESULTS = BENCH_DIR / "results" / "latest.json"


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, to try the harness")
    parser.add_argument("-k", dest="only", default="", help="run only modules containing NAME")
    options = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="qihub-bench-"))
    try:
        _setup_django(workdir)
        results = _run(Context(workdir=workdir, quick=options.quick), options.only)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    _print(results)
    _save(results, quick=options.quick)
    return 0


def _setup_django(workdir: Path) -> None:
    os.environ["QIHUB_DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    # Production-like settings: with DEBUG on, Django records every statement, which would add
    # its own cost to the product path and the baseline alike.
    os.environ["QIHUB_DEBUG"] = "false"
    os.environ.setdefault("QIHUB_SECRET_KEY", secrets.token_urlsafe(32))
    os.environ.setdefault("QIHUB_LOG_LEVEL", "WARNING")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qihub.settings")
    django.setup()
    # Models can be imported only once Django is set up, so this import waits until here.
    from qihub.reference.loader import load_reference_data

    call_command("migrate", verbosity=0)
    load_reference_data()


def _run(context: Context, only: str) -> list[Result]:
    results: list[Result] = []
    for path in sorted(BENCH_DIR.glob("bench_*.py")):
        if only and only not in path.stem:
            continue
        module = importlib.import_module(f"bench.{path.stem}")
        print(f"running {path.stem} …", file=sys.stderr, flush=True)
        results.extend(module.run(context))
    return results


def _print(results: list[Result]) -> None:
    header = f"{'benchmark':<48} {'n':>7} {'product':>11} {'baseline':>11} {'ratio':>8}  baseline"
    print(header)
    print("-" * len(header))
    for r in results:
        print(
            f"{r.name:<48} {r.n:>7,} {_seconds(r.product):>11} {_seconds(r.baseline):>11} "
            f"{r.ratio:>7.1f}×  {r.baseline_name}"
        )
        if r.note:
            print(f"{'':<48} {r.note}")


def _seconds(value: float) -> str:
    return f"{value:.3f} s" if value >= 0.1 else f"{value * 1000:.2f} ms"


def _save(results: list[Result], *, quick: bool) -> None:
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "quick": quick,
                "python": platform.python_version(),
                "django": django.get_version(),
                "sqlite": sqlite3.sqlite_version,
                "machine": platform.machine(),
                "cpus": os.cpu_count(),
                "results": [r.as_dict() for r in results],
            },
            ensure_ascii=False,
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"\nsaved {RESULTS.relative_to(BENCH_DIR.parent)}")


if __name__ == "__main__":
    sys.exit(main())
