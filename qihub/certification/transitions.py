"""Which changes of a certificate's recorded status can happen. Pure, no database.

=============  ==================================================================
from           may become
=============  ==================================================================
(new)          any status (a body may first report a certificate already withdrawn)
active         suspended, withdrawn, expired, cancelled
suspended      active (the suspension is lifted), withdrawn, expired, cancelled
expired        active only as a renewal (a later ``expires_on``), cancelled
withdrawn      nothing: a withdrawal (撤销) is final; re-certification is a new certificate
cancelled      nothing: a cancellation (注销) is final
=============  ==================================================================

"Expired" happens by date on its own (the effective status reads ``expires_on``); recording it
explicitly is allowed from active or suspended.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from qihub.certification.querysets import ACTIVE, CANCELLED, EXPIRED, SUSPENDED, WITHDRAWN

ALLOWED: dict[str, frozenset[str]] = {
    ACTIVE: frozenset({SUSPENDED, WITHDRAWN, EXPIRED, CANCELLED}),
    SUSPENDED: frozenset({ACTIVE, WITHDRAWN, EXPIRED, CANCELLED}),
    EXPIRED: frozenset({ACTIVE, CANCELLED}),
    WITHDRAWN: frozenset(),
    CANCELLED: frozenset(),
}
# Marked for translation here (pgettext_lazy, as the model's labels are) so messages built
# from them read in the reader's language.
LABELS = {
    ACTIVE: pgettext_lazy("certificate status", "有效"),
    SUSPENDED: pgettext_lazy("certificate status", "暂停"),
    WITHDRAWN: pgettext_lazy("certificate status", "撤销"),
    EXPIRED: pgettext_lazy("certificate status", "过期"),
    CANCELLED: pgettext_lazy("certificate status", "注销"),
}


def transition_problem(current: str, wanted: str, *, renewed: bool = False) -> str | None:
    """Why ``current`` → ``wanted`` cannot happen, or None when it can (or nothing changes).
    ``renewed``: the update also moves ``expires_on`` later (needed for expired → active)."""
    if current == wanted:
        return None
    values = {"from": LABELS.get(current, current), "to": LABELS.get(wanted, wanted)}
    if current in (WITHDRAWN, CANCELLED):
        return _("证书已%(from)s，不能再变更为“%(to)s”；重新获证应使用新的证书编号") % values
    if current == EXPIRED and wanted == ACTIVE and not renewed:
        return _("证书已过期，只有延长有效期（再认证）时才能恢复为“有效”")
    if wanted not in ALLOWED.get(current, frozenset()):
        return _("证书状态不能从“%(from)s”变更为“%(to)s”") % values
    return None
