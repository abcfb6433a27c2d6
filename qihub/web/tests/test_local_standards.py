"""Local-standard pages: the public list and detail, commenting and replying, the pipeline."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from conftest import client_for
from qihub.accounts.models import Organisation, User
from qihub.standards.models.projects import LocalStandardProject
from qihub.standards.pipeline import (
    advance_stage,
    apply_for_project,
    approve_project,
    open_consultation,
)
from qihub.web.tests.html import inline_code

Stage = LocalStandardProject.Stage
TZ = dt.timezone(dt.timedelta(hours=8))
TODAY = dt.datetime(2024, 8, 15, 10, tzinfo=TZ)


@pytest.fixture
def in_consultation(
    lab_admin: User, lab: Organisation, regulator: User, regulator_org: Organisation
) -> Any:
    with time_machine.travel(dt.datetime(2024, 1, 10, 10, tzinfo=TZ), tick=False):
        project = apply_for_project(
            title="设施农业日光温室建造技术规程",
            proposed_code="DB21/T 4200",
            drafting_organisation=lab,
            regulator=regulator_org,
            by=lab_admin,
        )
    with time_machine.travel(dt.datetime(2024, 2, 1, 10, tzinfo=TZ), tick=False):
        approve_project(project=project, by=regulator)
        advance_stage(project=project, to_stage=Stage.DRAFTING, by=lab_admin)
    with time_machine.travel(dt.datetime(2024, 8, 1, 10, tzinfo=TZ), tick=False):
        open_consultation(project=project, closes_on=dt.date(2024, 9, 1), by=lab_admin)
    project.refresh_from_db()
    return project


@pytest.fixture
def published(lab_admin: User, lab: Organisation, regulator_org: Organisation) -> Any:
    return LocalStandardProject.objects.create(
        title="菱镁制品术语",
        proposed_code="DB21/T 3000",
        drafting_organisation=lab,
        regulator=regulator_org,
        proposer=lab_admin,
        stage=Stage.IMPLEMENTED,
        applied_on=dt.date(2018, 1, 1),
        approved_on=dt.date(2018, 3, 1),
        published_on=dt.date(2019, 9, 1),
        stage_entered_at=dt.datetime(2019, 12, 1, tzinfo=TZ),
    )


def detail_url(project: Any) -> str:
    return reverse("web:local-standard-detail", kwargs={"project_id": project.public_id})


def test_list_filters_by_stage(anonymous: Client, in_consultation: Any, published: Any) -> None:
    response = anonymous.get(reverse("web:local-standard-list"), {"stage": "consultation"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "设施农业日光温室建造技术规程" in html
    assert "菱镁制品术语" not in html
    assert inline_code(html) == []


def test_detail_shows_history_and_invites_comments(
    enterprise_user: User, in_consultation: Any
) -> None:
    with time_machine.travel(TODAY, tick=False):
        response = client_for(enterprise_user).get(detail_url(in_consultation))
    html = response.content.decode()
    assert response.status_code == 200
    assert "征求意见期：2024-08-01 至 2024-09-01" in html
    assert 'name="body"' in html
    assert "起草" in html
    assert inline_code(html) == []


def test_comment_and_reply_forms(
    enterprise_user: User, lab_admin: User, in_consultation: Any
) -> None:
    with time_machine.travel(TODAY, tick=False):
        commenter = client_for(enterprise_user)
        url = reverse(
            "web:local-standard-comment", kwargs={"project_id": in_consultation.public_id}
        )
        response = commenter.post(url, {"body": "建议增加抗风载要求。"})
        assert response.status_code == 302
        comment = in_consultation.comments.get()
        reply_url = reverse(
            "web:local-standard-comment-reply",
            kwargs={"project_id": in_consultation.public_id, "comment_id": comment.public_id},
        )
        assert commenter.post(reply_url, {"body": "我来答复"}).status_code == 403
        drafter = client_for(lab_admin)
        assert 'class="reply-form"' in drafter.get(detail_url(in_consultation)).content.decode()
        assert drafter.post(reply_url, {"body": "已采纳，见第5章。"}).status_code == 302
    comment.refresh_from_db()
    assert comment.reply == "已采纳，见第5章。"


def test_comment_after_the_period_is_refused(enterprise_user: User, in_consultation: Any) -> None:
    with time_machine.travel(dt.datetime(2024, 9, 5, 10, tzinfo=TZ), tick=False):
        url = reverse(
            "web:local-standard-comment", kwargs={"project_id": in_consultation.public_id}
        )
        response = client_for(enterprise_user).post(url, {"body": "晚了"})
    assert response.status_code == 400
    assert "不在征求意见期" in response.content.decode()
    assert not in_consultation.comments.exists()


def test_anonymous_comment_goes_to_login(anonymous: Client, in_consultation: Any) -> None:
    url = reverse("web:local-standard-comment", kwargs={"project_id": in_consultation.public_id})
    response = anonymous.post(url, {"body": "x"})
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_pipeline_is_forbidden_to_non_regulators(enterprise_user: User, lab_admin: User) -> None:
    url = reverse("web:local-standard-pipeline")
    assert client_for(enterprise_user).get(url).status_code == 403
    assert client_for(lab_admin).get(url).status_code == 403


def test_pipeline_numbers_for_a_regulator(
    regulator: User, in_consultation: Any, published: Any
) -> None:
    # The 2019 standard's review fell due on 2024-09-01; the consultation is due on 2024-10-01.
    with time_machine.travel(dt.datetime(2024, 10, 1, 10, tzinfo=TZ), tick=False):
        response = client_for(regulator).get(reverse("web:local-standard-pipeline"))
    assert response.status_code == 200
    dashboard = response.context["dashboard"]
    counts = {s.stage: s.count for s in dashboard.stages}
    assert counts[Stage.CONSULTATION] == 1
    assert counts[Stage.IMPLEMENTED] == 1
    # 2018-03-01 → 2019-09-01 is 549 days: 18.0 months
    assert dashboard.average_cycle_months == 18.0
    assert dashboard.target_cycle_months == 18.0
    assert [(o.project.title, o.reason) for o in dashboard.overdue] == [("菱镁制品术语", "review")]
    html = response.content.decode()
    assert '<strong data-testid="average-cycle">18.0</strong>' in html
    assert "复审到期" in html
    assert inline_code(html) == []
