"""Certification at province scale: the demo registry's write path, and verification over HTTP.

Set-up: 60 approved certification bodies and ~28,000 holders (inserted raw: they are not what
is measured), then ``demo.certificates.load_certificate_demo`` at the ``liaoning`` scale
(~95,000 certificates through ``upsert_certificates``, with history and audit rows), timed
against a raw ``bulk_create`` of as many bare certificate rows.

Verification: the same random sample of numbers asked through the whole Django stack (test
Client, every middleware) of ``GET /api/v1/certificates/verify`` (normalise, indexed lookup,
history, coverage, Ed25519 signature) and of a minimal view doing the same indexed lookup and
returning JSON. Reported: seconds per request (the ratio) and, in the note, throughput and p95
latency of both; the goal is a throughput ratio (baseline time / product time) ≥ 0.8.

What the baseline leaves out, and the product keeps: input normalisation, body name, holder,
sites and history, the effective status and explanation, coverage figures on a miss, the
signature, ninja's parameter validation, and the API throttle (one upsert of its counter row
per request: the database store here, as without QIHUB_REDIS_URL; see docs/adr/0004).
Both sides go through the same middleware, on the same database, in alternating blocks.

National (opt-in, ``QIHUB_BENCH_NATIONAL=1``, not with ``--quick``, as bench_matching does):
after the liaoning measurement the table is grown to ~4,000,000 certificates by a fast raw path
(``bulk_create`` of 50,000-row chunks, each in one transaction, generated chunk by chunk so that
memory stays bounded), then ``ANALYZE``, and the same verification is measured again: the same
number of requests, in the same alternating blocks, sampled over the whole table. The added rows
reuse the bench's 60 bodies and its pool of holders, and copy their type, standards, scope,
dates and status from a few thousand of the demo's own rows (so rows are about as wide); they
get new numbers and have no sites, no status history and no audit rows: what is measured is how
the indexed lookup by number holds up when the table is 40 times as large, not the write path.
The build uses a large SQLite page cache; it is put back before anything is timed. Reported:
throughput ratio and p95 at national scale, and national p95 ÷ liaoning p95.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Max, Min
from django.db.models.functions import Mod
from django.http import HttpRequest, JsonResponse
from django.test import Client, override_settings
from django.urls import include, path
from django.utils import timezone

from bench import Context, Result
from qihub.accounts.identifiers import make_uscc
from qihub.accounts.models import Organisation
from qihub.certification.models import Certificate
from qihub.certification.signing import generate_key_file
from qihub.demo.certificates import load_certificate_demo
from qihub.demo.scales import SCALES
from qihub.institutions.models import Qualification, QualificationStatusChange
from qihub.reference.models import Region

BODIES = 60
HOLDERS = 28_000
SAMPLE = 400
BLOCK = 20  # requests timed on one side before switching to the other
NATIONAL = 4_000_000  # certificates, with QIHUB_BENCH_NATIONAL=1
NATIONAL_CHUNK = 50_000  # rows generated, then inserted in one transaction
TEMPLATES = 5_000  # demo rows whose type, scope, dates and status the added rows copy
BUILD_CACHE_KIB = 512 * 1024  # SQLite page cache while growing (index inserts), then put back


def baseline_verify(request: HttpRequest) -> JsonResponse:
    """The least a verification can do: one indexed lookup by number, as JSON."""
    number = request.GET.get("number", "").strip().upper()
    row = (
        Certificate.objects.filter(number=number)
        .values("number", "status", "issued_on", "expires_on", "holder__uscc", "cb__uscc")
        .first()
    )
    return JsonResponse(
        {"found": row is not None, **({k: str(v) for k, v in row.items()} if row else {})}
    )


urlpatterns = [
    path("bench/verify", baseline_verify),
    path("", include("qihub.urls")),
]


def _organisations(holders: int) -> None:
    cities = list(Region.objects.filter(level=Region.Level.PREFECTURE).order_by("code"))
    rows = []
    for n in range(BODIES):
        rows.append(
            Organisation(
                uscc=make_uscc(f"912101007{n:08d}"),
                name=f"辽宁基准认证{n:03d}有限公司",
                kind=Organisation.Kind.CERTIFICATION_BODY,
                city=cities[n % len(cities)],
            )
        )
    for n in range(holders):
        city = cities[n % len(cities)]
        rows.append(
            Organisation(
                uscc=make_uscc(f"91{city.code}{n:09d}"),
                name=f"基准企业{n:06d}有限公司",
                kind=Organisation.Kind.ENTERPRISE,
                city=city,
            )
        )
    Organisation.objects.bulk_create(rows, batch_size=2000)
    bodies = Organisation.objects.filter(kind=Organisation.Kind.CERTIFICATION_BODY)
    with transaction.atomic():
        for n, body in enumerate(bodies):
            qualification = Qualification.objects.create(
                organisation=body,
                type="CNCA-CB",
                number=f"CNCA-R-2019-{n + 1:03d}",
                issuer="国家认证认可监督管理委员会",
                valid_from=date(2019, 1, 1) + timedelta(days=17 * n),
                valid_to=date(2031, 12, 31),
            )
            QualificationStatusChange.objects.create(
                qualification=qualification, from_status="", to_status="valid"
            )


def _raw_insert(count: int) -> float:
    body = Organisation.objects.filter(kind=Organisation.Kind.CERTIFICATION_BODY).first()
    holder = Organisation.objects.filter(kind=Organisation.Kind.ENTERPRISE).first()
    assert body is not None and holder is not None
    rows = [
        Certificate(
            number=f"RAW{n:08d}",
            cb=body,
            holder=holder,
            holder_name=holder.name,
            cert_type="MS-QMS",
            issued_on=date(2024, 1, 1),
            expires_on=date(2027, 1, 1),
        )
        for n in range(count)
    ]
    started = time.perf_counter()
    for start in range(0, count, 2000):
        with transaction.atomic():
            Certificate.objects.bulk_create(rows[start : start + 2000])
    seconds = time.perf_counter() - started
    Certificate.objects.filter(number__startswith="RAW").delete()
    return seconds


def _timed_requests(client: Client, url: str, numbers: list[str]) -> list[float]:
    samples = []
    for number in numbers:
        started = time.perf_counter()
        response = client.get(url, {"number": number}, secure=True)
        samples.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise RuntimeError(f"{url}: HTTP {response.status_code}")
    return samples


def _p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1]


def _sample_numbers(rng: random.Random, size: int) -> list[str]:
    """``size`` numbers of rows drawn uniformly over the table, without listing every number
    (at national scale that list alone would be millions of strings)."""
    bounds = Certificate.objects.aggregate(low=Min("pk"), high=Max("pk"))
    numbers: list[str] = []
    while len(numbers) < size:
        ids = [rng.randint(bounds["low"], bounds["high"]) for _ in range(size - len(numbers))]
        found = dict(Certificate.objects.filter(pk__in=set(ids)).values_list("pk", "number"))
        numbers += [found[i] for i in ids if i in found]  # ids in a gap are drawn again
    return numbers


def _verification(
    context: Context, scale_name: str, count: int, built: str = ""
) -> tuple[Result, float]:
    """The verification Result at the table's current size, and the product's p95 (seconds)."""
    key_file = context.workdir / f"signing-{scale_name}.pem"
    if not key_file.exists():
        generate_key_file(key_file)
    rng = random.Random(6)
    sample = _sample_numbers(rng, SAMPLE // (4 if context.quick else 1))
    sample += [f"NOT-A-NUMBER-{n}" for n in range(len(sample) // 10)]
    # The API throttle still counts every request (in the database, as without Redis); its
    # rates are only raised so that the sample is never refused.
    with override_settings(
        ROOT_URLCONF=__name__,
        ALLOWED_HOSTS=["testserver"],
        QIHUB_THROTTLE_ANON="100000000/s",
        QIHUB_THROTTLE_USER="100000000/s",
        QIHUB_SIGNING_KEY_FILE=str(key_file),
    ):
        client = Client()
        _timed_requests(client, "/api/v1/certificates/verify", sample[:20])  # warm up
        _timed_requests(client, "/bench/verify", sample[:20])
        product: list[float] = []
        baseline: list[float] = []
        # Alternating blocks: a shared, noisy machine slows both sides alike.
        for start in range(0, len(sample), BLOCK):
            block = sample[start : start + BLOCK]
            product += _timed_requests(client, "/api/v1/certificates/verify", block)
            baseline += _timed_requests(client, "/bench/verify", block)
    p_mean, b_mean = statistics.fmean(product), statistics.fmean(baseline)
    result = Result(
        name=f"certification: verify over HTTP ({scale_name})",
        n=len(sample),
        product=p_mean,
        baseline=b_mean,
        baseline_name="minimal view, same indexed lookup",
        note=(
            f"{count:,} certificates{built}; throughput {1 / p_mean:,.0f} vs "
            f"{1 / b_mean:,.0f} req/s (ratio {b_mean / p_mean:.2f}, goal ≥ 0.8); p95 "
            f"{_p95(product) * 1000:.1f} ms vs {_p95(baseline) * 1000:.1f} ms; "
            "seconds per request"
        ),
    )
    return result, _p95(product)


def _national_chunks(count: int, seed: int) -> Iterator[list[Certificate]]:
    """``count`` bare certificate rows in chunks of NATIONAL_CHUNK, made one chunk at a time.

    Each copies a demo row's body, type, standards, scope, dates and status (so the type mix and
    row width stay the demo's) and gets a new number (``N`` + body + type letter + year + serial,
    unique) and a holder from the bench's pool; no sites, history or audit rows.
    """
    rng = random.Random(seed)
    step = max(1, Certificate.objects.count() // TEMPLATES)
    templates = list(
        Certificate.objects.alias(remainder=Mod("id", step))
        .filter(remainder=0)
        .values(
            "cb_id",
            "cert_type",
            "standards_text",
            "standard_codes",
            "has_unknown_standard",
            "scope",
            "is_accredited",
            "issued_on",
            "expires_on",
            "status",
            "status_reason",
        )
    )
    holders = list(
        Organisation.objects.filter(kind=Organisation.Kind.ENTERPRISE).values_list("id", "name")
    )
    changed_at = timezone.now()
    for start in range(0, count, NATIONAL_CHUNK):
        rows = []
        for serial in range(start, min(count, start + NATIONAL_CHUNK)):
            template = templates[rng.randrange(len(templates))]
            holder_id, holder_name = holders[rng.randrange(len(holders))]
            cert_type = template["cert_type"]
            letter = cert_type.split("-")[-1][:1] if "-" in cert_type else "C"
            rows.append(
                Certificate(
                    **template,
                    number=f"N{template['cb_id']:04d}{letter}{template['issued_on']:%y}"
                    f"{serial:08d}".upper(),
                    holder_id=holder_id,
                    holder_name=holder_name,
                    status_changed_at=changed_at,
                )
            )
        yield rows


def _grow_to_national(target: int) -> tuple[int, float, float]:
    """Add bare rows until the table holds ``target``, then ANALYZE: (added, build s, ANALYZE s)."""
    count = max(0, target - Certificate.objects.count())
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (cache_size,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = {-BUILD_CACHE_KIB}")
    added = 0
    try:
        for rows in _national_chunks(count, seed=4_000_000):
            with transaction.atomic():
                Certificate.objects.bulk_create(rows)
            added += len(rows)
            if added % 500_000 < NATIONAL_CHUNK:
                print(f"  national: {added:,} of {count:,} added", file=sys.stderr, flush=True)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(cache_size)}")
    built = time.perf_counter() - started
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return added, built, time.perf_counter() - started


def run(context: Context) -> list[Result]:
    scale = SCALES["small" if context.quick else "liaoning"]
    holders = 600 if context.quick else HOLDERS
    _organisations(holders)
    started = time.perf_counter()
    report = load_certificate_demo(scale=scale, seed=2025)
    load_seconds = time.perf_counter() - started
    count = Certificate.objects.count()
    raw = _raw_insert(count)
    results: list[Any] = [
        Result(
            name=f"certification: demo load ({scale.name})",
            n=count,
            product=load_seconds,
            baseline=raw,
            baseline_name="raw bulk_create of bare certificate rows",
            note=(
                f"upsert_certificates in chunks of 2,000 with history and audit rows; "
                f"{report.generated:,} generated over {report.bodies} bodies"
            ),
        ),
    ]
    liaoning, liaoning_p95 = _verification(context, scale.name, count)
    results.append(liaoning)
    if os.environ.get("QIHUB_BENCH_NATIONAL") == "1" and not context.quick:
        added, build_seconds, analyze_seconds = _grow_to_national(NATIONAL)
        total = Certificate.objects.count()
        national, national_p95 = _verification(
            context,
            "national",
            total,
            built=(
                f" ({added:,} bare rows added in {build_seconds:.0f} s, "
                f"ANALYZE {analyze_seconds:.0f} s)"
            ),
        )
        results += [
            national,
            Result(
                name="certification: verify p95, national vs liaoning",
                n=total,
                product=national_p95,
                baseline=liaoning_p95,
                baseline_name="liaoning p95 (product)",
                note=f"p95 of the product's verify at {total:,} vs {count:,} certificates",
            ),
        ]
    return results
