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
from django.core.exceptions import ImproperlyConfigured

from qihub.accounts.models import Notification
from qihub.certification.freshness import remind_silent_bodies
from qihub.certification.models import Certificate, CertificationBodyFeed
from qihub.certification.services import change_certificate_status, push_certificates
from qihub.certification.signing import signing_key
from qihub.certification.tests.conftest import item, run_command
from qihub.certification.verification import (
    canonical_json,
    check_qr_signature,
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
