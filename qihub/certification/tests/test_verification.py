"""Verification answers on every date boundary and status transition, their signatures, QR
signatures, freshness and reminders, and the commands."""

import json
import os
import stat
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from qihub.accounts.models import Notification
from qihub.certification.freshness import cached_coverage, coverage, remind_silent_bodies
from qihub.certification.models import Certificate, CertificationBodyFeed
from qihub.certification.services import change_certificate_status, push_certificates
from qihub.certification.signing import generate_key_file, signing_key
from qihub.certification.tests.conftest import item, run_command
from qihub.certification.verification import (
    canonical_json,
    check_qr_signature,
    lookup,
    qr_signature,
    signed_answer,
    verify_answer,
)

CHINA = ZoneInfo("Asia/Shanghai")
NUMBER = "00124Q31001R0M"


@pytest.fixture
def pushed(approved_cb, cb_reviewer):
    push_certificates(items=[item(approved_cb)], by=cb_reviewer)
    return Certificate.objects.get()


@pytest.mark.parametrize(
    ("today", "effective"),
    [
        (date(2024, 1, 14), "not_yet_valid"),  # the day before issue
        (date(2024, 1, 15), "active"),  # issued day
        (date(2027, 1, 14), "active"),  # expires day
        (date(2027, 1, 15), "expired"),  # the day after
    ],
)
def test_answer_on_every_date_boundary(pushed, time_machine, today, effective):
    time_machine.move_to(datetime(today.year, today.month, today.day, 9, tzinfo=CHINA))
    answer = signed_answer(" no. 00124q31001r0m ")
    assert answer["found"] is True and answer["number"] == NUMBER
    assert answer["status"] == "active" and answer["effective_status"] == effective
    assert answer["checked_on"] == today.isoformat()
    # the SQL rule agrees with the Python one
    annotated = Certificate.objects.with_effective_status(today).get()
    assert annotated.effective_status == effective


@pytest.mark.parametrize(
    ("steps", "recorded", "effective"),
    [
        ([("suspended", "监督审核不通过")], "suspended", "suspended"),
        ([("suspended", "暂停"), ("active", "")], "active", "active"),
        ([("withdrawn", "整改不合格")], "withdrawn", "withdrawn"),
        ([("suspended", "暂停"), ("withdrawn", "逾期未整改")], "withdrawn", "withdrawn"),
        ([("cancelled", "企业申请注销")], "cancelled", "cancelled"),
        ([("expired", "到期未再认证")], "expired", "expired"),
    ],
)
def test_answer_after_every_status_transition(
    approved_cb, cb_reviewer, time_machine, steps, recorded, effective
):
    time_machine.move_to(datetime(2025, 6, 1, 9, tzinfo=CHINA))
    push_certificates(items=[item(approved_cb)], by=cb_reviewer)
    pushed = Certificate.objects.get()
    for status, reason in steps:
        change_certificate_status(certificate=pushed, status=status, reason=reason, by=cb_reviewer)
    answer = signed_answer(NUMBER)
    assert answer["status"] == recorded and answer["effective_status"] == effective
    assert [h["to_status"] for h in answer["history"]] == ["active"] + [s for s, _r in steps]
    assert verify_answer(answer, signing_key().public_key)


def test_suspended_past_expiry_reads_expired(approved_cb, cb_reviewer, time_machine):
    time_machine.move_to(datetime(2025, 6, 1, 9, tzinfo=CHINA))
    push_certificates(items=[item(approved_cb)], by=cb_reviewer)
    pushed = Certificate.objects.get()
    change_certificate_status(certificate=pushed, status="suspended", reason="x", by=cb_reviewer)
    time_machine.move_to(datetime(2027, 1, 15, 9, tzinfo=CHINA))
    assert signed_answer(NUMBER)["effective_status"] == "expired"


def test_signature_verifies_with_the_public_key_only(pushed):
    answer = signed_answer(NUMBER)
    pem = signing_key().public_pem
    # a client with nothing but the published PEM
    public_key = serialization.load_pem_public_key(pem.encode())
    wire = json.loads(json.dumps(answer, ensure_ascii=False))
    assert verify_answer(wire, public_key)  # type: ignore[arg-type]
    # any change breaks it
    tampered = {**wire, "effective_status": "active", "status": "active"}
    tampered["holder"] = {**wire["holder"], "name": "别的公司"}
    assert not verify_answer(tampered, public_key)  # type: ignore[arg-type]
    assert not verify_answer({k: v for k, v in wire.items() if k != "signature"}, public_key)  # type: ignore[arg-type]
    assert canonical_json({"b": 1, "a": "中"}) == '{"a":"中","b":1}'.encode()


def test_not_found_explains_coverage_and_is_signed(pushed, other_cb):
    answer = signed_answer("NOPE-123")
    assert answer["found"] is False and answer["matches"] == [] and answer["status"] is None
    assert "1 家认证机构向平台报送" in answer["explanation"]
    assert "共 2 家" in answer["explanation"]  # two approved bodies, one reporting
    assert "不等于证书无效" in answer["explanation"]
    assert verify_answer(answer, signing_key().public_key)


def test_same_number_at_two_bodies_lists_both_active_first(
    approved_cb, other_cb, cb_reviewer, other_cb_user
):
    push_certificates(items=[item(approved_cb, status="withdrawn")], by=cb_reviewer)
    push_certificates(items=[item(other_cb)], by=other_cb_user)
    answer = signed_answer(NUMBER)
    assert answer["match_count"] == 2
    assert [m["cb"]["uscc"] for m in answer["matches"]] == [other_cb.uscc, approved_cb.uscc]
    assert answer["cb"]["uscc"] == other_cb.uscc and answer["effective_status"] == "active"
    assert "2 家认证机构" in answer["explanation"]


def test_stale_body_data_is_said(pushed, time_machine):
    time_machine.move_to(datetime.now(CHINA) + timedelta(days=40))
    answer = signed_answer(NUMBER)
    assert "超过 30 天未更新" in answer["explanation"]
    assert answer["cb"]["data_as_of"] is not None


@pytest.mark.parametrize(
    ("number", "cb", "change"),
    [
        ("00124Q31001R0N", None, None),  # number changed
        (None, "91210100000009999X", None),  # body changed
        (None, None, "signature"),  # signature changed
    ],
)
def test_altered_qr_signature_is_rejected(approved_cb, number, cb, change):
    signature = qr_signature(NUMBER, approved_cb.uscc)
    assert check_qr_signature(NUMBER, approved_cb.uscc, signature)
    if change:
        signature = ("A" if signature[0] != "A" else "B") + signature[1:]
    assert not check_qr_signature(number or NUMBER, cb or approved_cb.uscc, signature)


def test_qr_signature_garbage_is_rejected(approved_cb):
    for garbage in ("", "!!!", "x" * 500, "AAAA"):
        assert not check_qr_signature(NUMBER, approved_cb.uscc, garbage)


def test_answer_states_what_the_models_hold(
    approved_cb, other_cb, cb_reviewer, other_cb_user, time_machine
):
    """The answer is read with prepared queries, not models: every field, site and history
    entry must still say what the models say (types converted: dates, times, JSON, booleans)."""
    time_machine.move_to(datetime(2025, 6, 1, 9, tzinfo=CHINA))
    sites = [{"address": "大连市甘井子区华北路1号", "scope": "阀门生产"}, {"address": "二厂"}]
    push_certificates(
        items=[item(approved_cb, accredited=True, sites=sites, status_reason="")], by=cb_reviewer
    )
    push_certificates(items=[item(other_cb, status="suspended")], by=other_cb_user)
    first = Certificate.objects.get(cb=approved_cb)
    change_certificate_status(certificate=first, status="suspended", reason="暂停", by=cb_reviewer)
    answer = signed_answer("00124q31001r0m")
    assert answer["match_count"] == 2
    for match in answer["matches"]:
        model = Certificate.objects.select_related("cb__certificate_feed", "holder").get(
            cb__uscc=match["cb"]["uscc"], number=NUMBER
        )
        assert match["status"] == model.status and match["holder"]["uscc"] == model.holder.uscc
        assert match["cb"]["name"] == model.cb.name and match["scope"] == model.scope
        assert match["standards"] == model.standard_codes and match["standards"]
        assert match["is_accredited"] is model.is_accredited
        assert match["issued_on"] == model.issued_on.isoformat() == "2024-01-15"
        feed_at = timezone.localtime(model.cb.certificate_feed.last_upload_at)
        assert match["cb"]["data_as_of"] == feed_at.isoformat(timespec="seconds")
        assert match["sites"] == [
            {"address": s.address, "scope": s.scope} for s in model.sites.order_by("id")
        ]
        assert [h["at"] for h in match["history"]] == [
            timezone.localtime(h.changed_at).isoformat(timespec="seconds")
            for h in model.status_changes.order_by("changed_at", "id")
        ]
    mine = next(m for m in answer["matches"] if m["cb"]["uscc"] == approved_cb.uscc)
    assert mine["is_accredited"] is True
    assert mine["sites"] == [
        {"address": "大连市甘井子区华北路1号", "scope": "阀门生产"},
        {"address": "二厂", "scope": ""},
    ]
    assert [(h["from_status"], h["to_status"], h["reason"]) for h in mine["history"]] == [
        (None, "active", ""),
        ("active", "suspended", "暂停"),
    ]
    assert mine["history"][0]["at"].endswith("+08:00")
    # the page's lookup gives the same certificates, as models, in the same order
    found = lookup(NUMBER)
    assert [c.cb.uscc for c in found.matches] == [m["cb"]["uscc"] for m in answer["matches"]]


def test_verification_makes_a_bounded_number_of_queries(
    approved_cb, other_cb, cb_reviewer, other_cb_user, django_assert_max_num_queries
):
    for number in ("A-1", "A-2", "A-3"):
        push_certificates(
            items=[item(approved_cb, number, sites=[{"address": "x"}])], by=cb_reviewer
        )
        push_certificates(items=[item(other_cb, number)], by=other_cb_user)
    signed_answer("A-1")  # the queries are compiled once per process
    with django_assert_max_num_queries(3):  # certificates, sites, history: not per match
        assert signed_answer("A-2")["match_count"] == 2
    cache.clear()
    with django_assert_max_num_queries(3):  # certificates, then coverage's two: cold cache
        assert signed_answer("NOPE-1")["found"] is False
    with django_assert_max_num_queries(1):  # certificates only: coverage comes from the cache
        assert signed_answer("NOPE-2")["found"] is False


def test_not_found_coverage_is_cached_a_minute_and_an_upload_refreshes_it(
    approved_cb, other_cb, cb_reviewer, time_machine
):
    start = datetime(2025, 6, 1, 9, tzinfo=CHINA)
    time_machine.move_to(start)
    cache.clear()
    push_certificates(items=[item(approved_cb)], by=cb_reviewer)
    assert "有 1 家认证机构向平台报送" in signed_answer("NOPE-1")["explanation"]
    # a feed written behind the services' back shows within the minute, not at once ...
    CertificationBodyFeed.objects.create(organisation=other_cb, last_upload_at=start)
    assert "有 1 家认证机构向平台报送" in signed_answer("NOPE-1")["explanation"]
    # ... while an answer for an explicit moment is always counted
    assert "有 2 家认证机构向平台报送" in signed_answer("NOPE-1", now=start)["explanation"]
    time_machine.move_to(start + timedelta(seconds=61))
    assert "有 2 家认证机构向平台报送" in signed_answer("NOPE-1")["explanation"]
    assert cached_coverage() == coverage(start + timedelta(seconds=61))
    # an upload through the services drops the cached figures at once
    CertificationBodyFeed.objects.filter(organisation=other_cb).delete()
    assert "有 2 家认证机构向平台报送" in signed_answer("NOPE-1")["explanation"]
    push_certificates(items=[item(approved_cb, "NEW-1")], by=cb_reviewer)
    assert "有 1 家认证机构向平台报送" in signed_answer("NOPE-1")["explanation"]


# --- freshness and reminders --------------------------------------------------------------------


def test_silent_bodies_are_reminded_once_per_silence_period(approved_cb, cb_reviewer, other_cb):
    start = datetime(2025, 3, 1, 9, tzinfo=CHINA)
    push_certificates(items=[item(approved_cb)], by=cb_reviewer)
    # the push happened "now": move the feed into the past
    CertificationBodyFeed.objects.update(last_upload_at=start)
    # the other body never uploaded: reminded once
    assert remind_silent_bodies(start + timedelta(days=29)) == 1
    assert remind_silent_bodies(start + timedelta(days=29)) == 0
    # 30 days of silence: the first body is reminded, once
    assert remind_silent_bodies(start + timedelta(days=30)) == 1
    assert remind_silent_bodies(start + timedelta(days=45)) == 0
    notices = Notification.objects.filter(kind="certificate_feed_silent")
    assert sorted(n.recipient_organisation_id for n in notices) == sorted(
        [approved_cb.pk, other_cb.pk]
    )
    # each notice leads to the body's own desk, where it can upload
    assert {n.link for n in notices} == {
        f"/certificates/manage/?cb={body.uscc}" for body in (approved_cb, other_cb)
    }
    # a new upload starts a new period
    CertificationBodyFeed.objects.filter(organisation=approved_cb).update(
        last_upload_at=start + timedelta(days=50)
    )
    assert remind_silent_bodies(start + timedelta(days=79)) == 0
    assert remind_silent_bodies(start + timedelta(days=80)) == 1


# --- commands -----------------------------------------------------------------------------------


def test_keygen_writes_a_private_key_file_and_refuses_to_overwrite(tmp_path, settings):
    path = tmp_path / "signing.pem"
    code, out, _err = run_command("certification", "keygen", str(path), "--json")
    assert code == 0
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    key_id = json.loads(out)["key_id"]
    settings.QIHUB_SIGNING_KEY_FILE = str(path)
    assert signing_key().key_id == key_id
    assert run_command("certification", "keygen", str(path))[0] == 1


def test_verify_and_remind_commands(pushed):
    code, out, _err = run_command("certification", "verify", "no.00124q31001r0m", "--json")
    assert code == 0
    answer = json.loads(out)
    assert answer["found"] is True and verify_answer(answer, signing_key().public_key)
    code, out, _err = run_command("certification", "remind-silent", "--json")
    assert code == 0 and json.loads(out) == {"notified": 0}


def test_a_replaced_key_file_is_read_again(settings, tmp_path, db):
    path = tmp_path / "signing.pem"
    first = generate_key_file(path)
    settings.QIHUB_SIGNING_KEY_FILE = str(path)
    assert signing_key() is signing_key()  # parsed once, not per answer
    assert signing_key().key_id == first.key_id
    path.unlink()
    second = generate_key_file(path)
    stamp = os.stat(path).st_mtime_ns + 1_000_000_000
    os.utime(path, ns=(stamp, stamp))  # a different modification time, however fast the disk
    assert signing_key().key_id == second.key_id != first.key_id
    assert verify_answer(signed_answer("NOPE-1"), second.public_key)
    path.unlink()
    with pytest.raises(ImproperlyConfigured):
        signing_key()


def test_production_without_a_key_file_refuses_to_sign(settings):
    settings.DEBUG = False
    settings.QIHUB_SIGNING_KEY_FILE = ""
    settings.QIHUB_ALLOW_DERIVED_SIGNING_KEY = False
    with pytest.raises(ImproperlyConfigured):
        signing_key()


def test_a_key_file_that_is_not_ed25519_is_refused(settings, tmp_path):
    path = tmp_path / "ec.pem"
    path.write_bytes(
        ec.generate_private_key(ec.SECP256R1()).private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    settings.QIHUB_SIGNING_KEY_FILE = str(path)
    with pytest.raises(ImproperlyConfigured):
        signing_key()
