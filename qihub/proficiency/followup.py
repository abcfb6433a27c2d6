"""One-to-one follow-up of questionable and unsatisfactory PT results (writes).

``services.publish_round`` opens a case for every such result. The laboratory answers with a
root-cause analysis, corrective actions and evidence (text; attachments described as text);
a PT regulator (or the round's provider) accepts it or returns it for more, then closes it:

    open → submitted → accepted → closed
             ↑    ↓
           returned

Each step records an audit entry and notifies the other side in the same transaction.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qihub.accounts.audit import record_action
from qihub.accounts.models import Membership, User
from qihub.accounts.services import notify_organisation
from qihub.core.errors import Conflict, DomainError, PermissionDenied
from qihub.proficiency.models import FollowUp
from qihub.proficiency.services import may_manage

Status = FollowUp.Status
MAX_TEXT = 4000


class FollowUpForbidden(PermissionDenied):
    code = "pt_follow_up_forbidden"


class FollowUpStepNotAllowed(Conflict):
    code = "pt_follow_up_step_not_allowed"


class InvalidFollowUp(DomainError):
    code = "pt_follow_up_invalid"


def is_laboratory_member(user: User | None, follow_up: FollowUp) -> bool:
    return (
        user is not None
        and Membership.objects.filter(user=user, organisation_id=follow_up.laboratory_id).exists()
    )


def may_review(user: User | None, follow_up: FollowUp) -> bool:
    return may_manage(user, follow_up.participation.round)


def _text(value: str, what: str, *, required: bool) -> str:
    value = value.strip()
    if required and not value:
        raise InvalidFollowUp(_("%(what)s不能为空") % {"what": what})
    if len(value) > MAX_TEXT:
        raise InvalidFollowUp(
            _("%(what)s过长（最多 %(max)d 个字符）") % {"what": what, "max": MAX_TEXT}
        )
    return value


def _locked(follow_up: FollowUp, allowed: tuple[str, ...]) -> FollowUp:
    locked = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    if locked.status not in allowed:
        raise FollowUpStepNotAllowed(
            _("整改当前为“%(status)s”，不能执行此操作") % {"status": Status(locked.status).label}
        )
    return locked


def submit_corrective_action(
    *,
    follow_up: FollowUp,
    root_cause: str,
    corrective_actions: str,
    evidence: str,
    by: User | None,
) -> FollowUp:
    """The laboratory's answer (open or returned → submitted). Raises FollowUpForbidden (not
    the laboratory's member), FollowUpStepNotAllowed, InvalidFollowUp (empty or too long)."""
    if by is not None and not is_laboratory_member(by, follow_up):
        raise FollowUpForbidden(_("只有被跟踪的实验室可以提交整改"))
    cause = _text(root_cause, _("原因分析"), required=True)
    actions = _text(corrective_actions, _("纠正措施"), required=True)
    proof = _text(evidence, _("证明材料"), required=False)
    with transaction.atomic():
        locked = _locked(follow_up, (Status.OPEN, Status.RETURNED))
        before = locked.status
        locked.root_cause, locked.corrective_actions, locked.evidence = cause, actions, proof
        locked.status = Status.SUBMITTED
        locked.submitted_at = timezone.now()
        locked.save()
        record_action(
            actor=by,
            action="proficiency.follow_up_submitted",
            target=locked,
            before={"status": before},
            after={"status": locked.status},
        )
        notify_organisation(
            organisation=locked.participation.round.provider,
            kind="proficiency.follow_up_submitted",
            title=_("整改材料已提交：%(round)s %(code)s")
            % {"round": locked.participation.round.code, "code": locked.participation.code},
            message=_("请审核实验室提交的原因分析与纠正措施。"),
            link=f"/proficiency/follow-ups/{locked.public_id}/",
            by=by,
        )
    return locked


def review_follow_up(
    *, follow_up: FollowUp, accept: bool, comment: str, by: User | None
) -> FollowUp:
    """The regulator's review (submitted → accepted, or → returned with a comment).
    Raises FollowUpForbidden, FollowUpStepNotAllowed, InvalidFollowUp (return without comment)."""
    if not may_review(by, follow_up):
        raise FollowUpForbidden(_("只有能力验证组织方和监管部门可以审核整改"))
    note = _text(comment, _("审核意见"), required=not accept)
    with transaction.atomic():
        locked = _locked(follow_up, (Status.SUBMITTED,))
        locked.status = Status.ACCEPTED if accept else Status.RETURNED
        locked.review_comment = note
        locked.reviewed_at = timezone.now()
        locked.reviewed_by = by
        locked.save()
        record_action(
            actor=by,
            action="proficiency.follow_up_accepted" if accept else "proficiency.follow_up_returned",
            target=locked,
            before={"status": Status.SUBMITTED},
            after={"status": locked.status, "comment": note},
        )
        notify_organisation(
            organisation=locked.laboratory,
            kind="proficiency.follow_up_reviewed",
            title=(_("整改已认可：%(round)s") if accept else _("整改被退回，请补充：%(round)s"))
            % {"round": locked.participation.round.code},
            message=note or _("监管部门已审核您的整改材料。"),
            link=f"/proficiency/follow-ups/{locked.public_id}/",
            by=by,
        )
    return locked


def close_follow_up(*, follow_up: FollowUp, by: User | None) -> FollowUp:
    """accepted → closed. Raises FollowUpForbidden, FollowUpStepNotAllowed."""
    if not may_review(by, follow_up):
        raise FollowUpForbidden(_("只有能力验证组织方和监管部门可以关闭整改"))
    with transaction.atomic():
        locked = _locked(follow_up, (Status.ACCEPTED,))
        locked.status = Status.CLOSED
        locked.closed_at = timezone.now()
        locked.save()
        record_action(
            actor=by,
            action="proficiency.follow_up_closed",
            target=locked,
            before={"status": Status.ACCEPTED},
            after={"status": Status.CLOSED},
        )
    return locked
