"""HTTP contract of /api/v1/certificates: batch push, signed verification, key, search."""

import json

import pytest
from cryptography.hazmat.primitives import serialization
from django.core.cache import cache
from django.test import Client

from qihub.accounts.services import issue_api_token
from qihub.api.schemas.certificates import VerificationOut
from qihub.certification.models import Certificate, CertificateStatusChange
from qihub.certification.signing import verify
from qihub.certification.tests.conftest import item
from qihub.certification.verification import verify_answer

BATCH = "/api/v1/certificates/batch"
NUMBER = "00124Q31001R0M"


def bearer(user) -> Client:
    _token, secret = issue_api_token(user=user, name="feed", by=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def post(client: Client, items) -> object:
    return client.post(BATCH, data=json.dumps({"items": items}), content_type="application/json")


def test_member_pushes_a_batch_with_a_bearer_token(approved_cb, cb_reviewer):
    client = bearer(cb_reviewer)
    response = post(client, [item(approved_cb), item(approved_cb, "00124Q31002R0M")])
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["created"] == 2 and body["received"] == 2 and body["data_as_of"]
    # idempotent
    assert post(client, [item(approved_cb)]).json()["unchanged"] == 1
    # a status change through the batch is history with source "api"
    post(client, [item(approved_cb, status="suspended", status_reason="监督审核不通过")])
    change = CertificateStatusChange.objects.filter(to_status="suspended").get()
    assert change.source == "api" and change.reason == "监督审核不通过"


def test_batch_item_errors_are_problem_json_and_nothing_is_written(approved_cb, cb_reviewer):
    response = post(
        bearer(cb_reviewer),
        [item(approved_cb), item(approved_cb, "X2", issued_on="2030-01-01")],
    )
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "certificate_batch_invalid"
    assert problem["errors"] == [
        {"index": 1, "field": "expires_on", "message": "有效期至必须晚于颁证日期"}
    ]
    assert not Certificate.objects.exists()


def test_batch_refuses_another_bodys_certificate(approved_cb, other_cb, cb_reviewer):
    response = post(bearer(cb_reviewer), [item(other_cb)])
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "cb_uscc"
    assert not Certificate.objects.exists()


def test_batch_needs_a_body_member(approved_cb, enterprise_user):
    assert post(Client(), [item(approved_cb)]).status_code in (401, 403)
    response = post(bearer(enterprise_user), [item(approved_cb)])
    assert response.status_code == 403
    assert response.json()["code"] == "not_a_certification_body"


def test_batch_limit_is_1000(approved_cb, cb_reviewer):
    response = post(bearer(cb_reviewer), [item(approved_cb, f"N{i}") for i in range(1001)])
    assert response.status_code == 422
    assert not Certificate.objects.exists()


def test_verify_answer_checks_with_the_published_key_only(approved_cb, cb_reviewer):
    post(bearer(cb_reviewer), [item(approved_cb)])
    client = Client()
    key = client.get("/api/v1/certificates/key").json()
    assert key["algorithm"] == "Ed25519"
    public_key = serialization.load_pem_public_key(key["public_key_pem"].encode())
    # messy input
    response = client.get("/api/v1/certificates/verify", {"number": " Ｎｏ．00124q31001r0m"})
    assert response.status_code == 200
    answer = response.json()
    assert answer["found"] and answer["number"] == NUMBER
    assert answer["holder"]["uscc"] and answer["cb"]["uscc"] == approved_cb.uscc
    assert answer["key_id"] == key["key_id"]
    assert verify_answer(answer, public_key)  # type: ignore[arg-type]
    answer["effective_status"] = "withdrawn"
    assert not verify_answer(answer, public_key)  # type: ignore[arg-type]


def test_verify_answers_are_what_the_schema_documents(approved_cb, cb_reviewer):
    # The route sends its signed bytes as they are: nothing else holds them to the schema.
    post(bearer(cb_reviewer), [item(approved_cb)])
    for number in (NUMBER, "NONE-1", "!!!"):
        response = Client().get("/api/v1/certificates/verify", {"number": number})
        assert response["Content-Type"] == "application/json; charset=utf-8"
        answer = json.loads(response.content.decode("utf-8"))
        assert VerificationOut.model_validate(answer).model_dump(mode="json") == answer, number


def test_verify_answer_body_is_the_signed_bytes_and_the_signature(approved_cb, cb_reviewer):
    post(bearer(cb_reviewer), [item(approved_cb)])
    client = Client()
    public_key = serialization.load_pem_public_key(
        client.get("/api/v1/certificates/key").json()["public_key_pem"].encode()
    )
    body = client.get("/api/v1/certificates/verify", {"number": NUMBER}).content
    signed, separator, tail = body.rpartition(b',"signature":"')
    assert separator and tail.endswith(b'"}')
    signature = tail[:-2].decode("ascii")
    assert verify(public_key, signature, signed + b"}")  # type: ignore[arg-type]
    assert not verify(public_key, signature, signed.replace(b"active", b"revoked") + b"}")  # type: ignore[arg-type]


def test_verify_not_found_is_signed_and_explained(approved_cb):
    response = Client().get("/api/v1/certificates/verify", {"number": "NONE-1"})
    answer = response.json()
    assert response.status_code == 200 and answer["found"] is False
    assert "不等于证书无效" in answer["explanation"] and answer["signature"]


def test_verify_over_http_makes_a_bounded_number_of_queries(
    approved_cb, cb_reviewer, django_assert_max_num_queries
):
    """The public hot path: the throttle's counter, then certificates, sites and history,
    whatever the number of matches; a miss reads the coverage figures from the cache once
    they are counted."""
    post(bearer(cb_reviewer), [item(approved_cb), item(approved_cb, "OTHER-1")])
    client = Client()
    client.get("/api/v1/certificates/verify", {"number": "OTHER-1"})  # compiles, warms
    with django_assert_max_num_queries(1 + 3):
        answer = client.get("/api/v1/certificates/verify", {"number": NUMBER.lower()}).json()
    assert answer["found"] and answer["history"] and answer["signature"]
    client.get("/api/v1/certificates/verify", {"number": "NONE-1"})
    with django_assert_max_num_queries(1 + 1):
        answer = client.get("/api/v1/certificates/verify", {"number": "NONE-2"}).json()
    assert answer["found"] is False and "不等于证书无效" in answer["explanation"]


@pytest.mark.django_db  # bad requests count against the throttle too
@pytest.mark.parametrize("number", ["", "a" * 101, "x\x00y"])
def test_verify_refuses_bad_parameters(number):
    assert Client().get("/api/v1/certificates/verify", {"number": number}).status_code == 422


def test_verify_is_throttled(settings, approved_cb):
    settings.QIHUB_THROTTLE_ANON = "2/m"
    cache.clear()
    client = Client()
    codes = [
        client.get("/api/v1/certificates/verify", {"number": "A1"}).status_code for _ in range(3)
    ]
    cache.clear()
    assert codes == [200, 200, 429]


def test_search_by_holder_name_and_uscc(approved_cb, cb_reviewer):
    post(bearer(cb_reviewer), [item(approved_cb)])
    holder = Certificate.objects.get().holder
    for query in ("海通阀门", holder.uscc.lower(), holder.uscc[:10]):
        page = Client().get("/api/v1/certificates", {"holder": query}).json()
        assert page["count"] == 1, query
        assert page["items"][0]["number"] == NUMBER
    assert Client().get("/api/v1/certificates", {"holder": "无此公司"}).json()["count"] == 0
