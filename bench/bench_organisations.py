"""Organisations: demo generation and writing, search, and the CSV import.

(a) ``qihub demo --scale liaoning``'s path for N organisations (generate, upsert in chunks, set
    profiles, audit) against a plain ``bulk_create`` of the same rows;
(b) ``Organisation.objects.matching(q)`` as the directory page runs it (count + first page of 20)
    for name, pinyin and USCC queries, against fetching one organisation by primary key;
(c) ``run_import(importer_for("orgs"), path)`` for a 20,000-row CSV, new and then unchanged,
    against just reading and parsing the same file with the importer's reader.
"""

from __future__ import annotations

import csv
import random
from itertools import islice
from pathlib import Path

from django.db import transaction

from bench import Context, Result, median_time, timed
from qihub.accounts.models import Organisation
from qihub.core.imports import importer_for, read_rows, run_import
from qihub.demo.loader import CHUNK_SIZE, chunks, write_chunk
from qihub.demo.organisations import DemoGenerator, DemoOrganisation
from qihub.demo.places import load_geography
from qihub.demo.scales import SCALES
from qihub.reference.models import Region

LIAONING_ORGANISATIONS = 30_000
IMPORT_ROWS = 20_000
SEARCH_REPEAT = 15
PK_LOOKUPS = 300


def run(context: Context) -> list[Result]:
    organisations = 5_000 if context.quick else LIAONING_ORGANISATIONS
    import_rows = 5_000 if context.quick else IMPORT_ROWS
    regions = {region.code: region for region in Region.objects.all()}
    results = bench_demo_write(organisations, regions)
    results += bench_search()
    results += bench_import(context.workdir / "orgs.csv", import_rows)
    return results


def generate(count: int, seed: int) -> list[DemoOrganisation]:
    generator = DemoGenerator(geography=load_geography(), scale=SCALES["national"], seed=seed)
    # The national table has room for any count; its first organisations are Liaoning-like.
    return list(islice(generator.organisations(), count))


def bench_demo_write(count: int, regions: dict[str, Region]) -> list[Result]:
    generation = timed(lambda: generate(count, seed=2025))
    items = generate(count, seed=2025)

    def plain_bulk_create() -> None:
        rows = []
        for item in items:
            data = item.data
            rows.append(
                Organisation(
                    uscc=data.uscc, name=data.name, kind=data.kind,
                    city=regions[data.city_code], county=regions[data.county_code],
                    address=data.address, **item.profile,
                )
            )  # fmt: skip
        with transaction.atomic():
            Organisation.objects.bulk_create(rows, batch_size=500)

    baseline = timed(plain_bulk_create)
    Organisation.objects.all().delete()
    written = timed(lambda: [write_chunk(chunk, regions) for chunk in chunks(items, CHUNK_SIZE)])
    assert Organisation.objects.count() == count
    return [
        Result(
            "(a) demo: generate + upsert + profiles + audit",
            count,
            generation + written,
            baseline,
            "bulk_create of the same rows",
            f"generation alone {generation:.2f} s; chunks of {CHUNK_SIZE:,}",
        ),
        Result(
            "(a) demo: upsert + profiles + audit only",
            count,
            written,
            baseline,
            "bulk_create of the same rows",
            "upsert computes pinyin for every name and writes two audit entries per row",
        ),
    ]


def bench_search() -> list[Result]:
    rng = random.Random(7)
    pks = list(Organisation.objects.values_list("pk", flat=True))
    sample = Organisation.objects.filter(pk__in=rng.sample(pks, 20))
    usccs = [o.uscc for o in sample]
    initials = [o.name_initials[:4] for o in sample]
    queries = {
        "name": ["检测", "阀门", "沈阳", "计量检定所", "精细化工"],
        "pinyin": ["shenyang", "famen", "jiance", initials[0], initials[1]],
        "USCC": [usccs[0], usccs[1][:10], usccs[2][:8], usccs[3].lower()],
    }

    def lookup_by_pk() -> None:
        for pk in rng.sample(pks, PK_LOOKUPS):
            Organisation.objects.select_related("city", "county").get(pk=pk)

    baseline = median_time(lookup_by_pk, 5) / PK_LOOKUPS
    results = []
    for category, texts in queries.items():
        per_query = []
        for text in texts:

            def search(text: str = text) -> None:
                matches = Organisation.objects.matching(text)
                matches.count()
                list(matches.select_related("city", "county")[:20])

            per_query.append(median_time(search, SEARCH_REPEAT))
        results.append(
            Result(
                f"(b) search by {category}: count + first page",
                len(pks),
                sum(per_query) / len(per_query),
                baseline,
                "get by primary key",
                "per query, mean of medians: " + ", ".join(texts),
            )
        )
    return results


def bench_import(path: Path, count: int) -> list[Result]:
    # Another seed: the file holds organisations the database does not know yet.
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["uscc", "name", "kind", "city_code", "address"])
        for item in generate(count, seed=99):
            data = item.data
            writer.writerow([data.uscc, data.name, data.kind, data.county_code, data.address])

    baseline = median_time(lambda: sum(1 for _ in read_rows(path)), 3)
    outcomes = []
    created = timed(lambda: outcomes.append(run_import(importer_for("orgs"), path)))
    unchanged = timed(lambda: outcomes.append(run_import(importer_for("orgs"), path)))
    first, second = outcomes
    # The few fixed organisations (regulators aside) are the same for every seed: unchanged.
    assert first.ok and first.counts.created >= count - 10, first.as_dict()
    assert second.counts.unchanged == count, second.as_dict()
    reader = "reading + parsing the file (read_rows)"
    return [
        Result(
            "(c) import orgs CSV: new organisations",
            count,
            created,
            baseline,
            reader,
            "validates every row, then upserts in one transaction (file read twice)",
        ),
        Result(
            "(c) import orgs CSV: unchanged re-run",
            count,
            unchanged,
            baseline,
            reader,
            "every row compared with what is stored, nothing written",
        ),
    ]
