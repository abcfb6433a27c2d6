"""Public web pages (namespace ``web``)."""

from django.urls import path

from qihub.web.views import (
    account,
    certificate_manage,
    certificate_tools,
    certificates,
    declarations,
    home,
    institutions,
    local_standards,
    matching,
    organisations,
    proficiency,
    requests,
    sessions,
    standardisation,
    standards,
)

app_name = "web"

urlpatterns = [
    path("", home.home, name="home"),
    path("organisations/", organisations.organisation_list, name="organisation-list"),
    path(
        "organisations/<str:uscc>/",
        organisations.organisation_detail,
        name="organisation-detail",
    ),
    path("institutions/", institutions.institution_list, name="institution-list"),
    path(
        "institutions/<str:uscc>/",
        institutions.institution_detail,
        name="institution-detail",
    ),
    path(
        "institutions/<str:uscc>/manage/",
        institutions.institution_manage,
        name="institution-manage",
    ),
    path(
        "institutions/<str:uscc>/manage/profile/",
        institutions.institution_profile_update,
        name="institution-profile-update",
    ),
    path(
        "institutions/<str:uscc>/manage/scope/",
        institutions.institution_scope_upload,
        name="institution-scope-upload",
    ),
    path(
        "institutions/<str:uscc>/manage/scope-template.csv",
        institutions.institution_scope_template,
        name="institution-scope-template",
    ),
    path("match/", matching.match_page, name="match"),
    path("match/compare/", matching.match_compare, name="match-compare"),
    path(
        "qualifications/verify/",
        institutions.qualification_verify,
        name="qualification-verify",
    ),
    path("certificates/", certificates.certificate_search, name="certificate-search"),
    path("certificates/verify/", certificates.certificate_verify, name="certificate-verify"),
    path("certificates/key/", certificates.signing_key_page, name="certificate-signing-key"),
    path("certificates/watchlist/", certificate_tools.watchlist, name="certificate-watchlist"),
    path(
        "certificates/watchlist/<uuid:public_id>/remove/",
        certificate_tools.watchlist_remove,
        name="certificate-watchlist-remove",
    ),
    path("certificates/bulk/", certificate_tools.bulk_verify, name="certificate-bulk"),
    path("certificates/risk/", certificate_tools.risk_warnings, name="certificate-risk"),
    path(
        "certificates/risk/<uuid:public_id>/status/",
        certificate_tools.risk_warning_status,
        name="certificate-risk-status",
    ),
    path("certificates/figures/", certificate_tools.figures, name="certificate-figures"),
    path("certificates/manage/", certificate_manage.certificate_manage, name="certificate-manage"),
    path(
        "certificates/manage/upload/",
        certificate_manage.certificate_manage_upload,
        name="certificate-manage-upload",
    ),
    path(
        "certificates/manage/template.csv",
        certificate_manage.certificate_manage_template,
        name="certificate-manage-template",
    ),
    path(
        "certificates/v/<path:number>",
        certificates.certificate_qr_landing,
        name="certificate-qr-landing",
    ),
    path(
        "certificates/<uuid:public_id>/",
        certificates.certificate_detail,
        name="certificate-detail",
    ),
    path(
        "certificates/<uuid:public_id>/status/",
        certificate_manage.certificate_status_change,
        name="certificate-status-change",
    ),
    path(
        "certificates/<uuid:public_id>/qr.svg",
        certificates.certificate_qr,
        name="certificate-qr",
    ),
    path("standardisation/", standardisation.overview, name="standardisation"),
    path(
        "standardisation/committees/",
        standardisation.committee_list,
        name="standardisation-committees",
    ),
    path("standardisation/pilots/", standardisation.pilot_list, name="standardisation-pilots"),
    path(
        "standardisation/national/",
        standardisation.national_list,
        name="standardisation-national",
    ),
    path("standards/", standards.standard_list, name="standard-list"),
    path("standards/lookup/", standards.standard_lookup, name="standard-lookup"),
    path("standards/<path:code>/", standards.standard_detail, name="standard-detail"),
    path("local-standards/", local_standards.project_list, name="local-standard-list"),
    path("local-standards/pipeline/", local_standards.pipeline, name="local-standard-pipeline"),
    path(
        "local-standards/<uuid:project_id>/",
        local_standards.project_detail,
        name="local-standard-detail",
    ),
    path(
        "local-standards/<uuid:project_id>/comments/",
        local_standards.comment,
        name="local-standard-comment",
    ),
    path(
        "local-standards/<uuid:project_id>/comments/<uuid:comment_id>/reply/",
        local_standards.reply,
        name="local-standard-comment-reply",
    ),
    path("declarations/", declarations.declaration_list, name="declaration-list"),
    path(
        "declarations/<uuid:public_id>/",
        declarations.declaration_detail,
        name="declaration-detail",
    ),
    path("notifications/", declarations.notification_list, name="notifications"),
    path(
        "notifications/<int:notification_id>/read/",
        declarations.notification_read,
        name="notification-read",
    ),
    path("requests/", requests.request_list, name="request-list"),
    path("requests/new/", requests.request_new, name="request-new"),
    path("requests/<uuid:public_id>/", requests.request_detail, name="request-detail"),
    path("requests/<uuid:public_id>/invite/", requests.request_invite, name="request-invite"),
    path("requests/<uuid:public_id>/cancel/", requests.request_cancel, name="request-cancel"),
    path("quotes/<uuid:public_id>/accept/", requests.quote_accept, name="quote-accept"),
    path(
        "invitations/<uuid:public_id>/",
        requests.invitation_detail,
        name="invitation-detail",
    ),
    path(
        "invitations/<uuid:public_id>/quote/",
        requests.invitation_quote,
        name="invitation-quote",
    ),
    path(
        "invitations/<uuid:public_id>/decline/",
        requests.invitation_decline,
        name="invitation-decline",
    ),
    path("orders/<uuid:public_id>/", requests.order_detail, name="order-detail"),
    path("orders/<uuid:public_id>/advance/", requests.order_advance, name="order-advance"),
    path("orders/<uuid:public_id>/cancel/", requests.order_cancel, name="order-cancel"),
    path("orders/<uuid:public_id>/rate/", requests.order_rate, name="order-rate"),
    path("proficiency/", proficiency.programmes, name="pt-programmes"),
    path("proficiency/rounds/<uuid:public_id>/", proficiency.round_detail, name="pt-round"),
    path(
        "proficiency/rounds/<uuid:public_id>/enrol/", proficiency.round_enrol, name="pt-round-enrol"
    ),
    path(
        "proficiency/rounds/<uuid:public_id>/submit/",
        proficiency.round_submit,
        name="pt-round-submit",
    ),
    path(
        "proficiency/rounds/<uuid:public_id>/advance/",
        proficiency.round_advance,
        name="pt-round-advance",
    ),
    path(
        "proficiency/rounds/<uuid:public_id>/results/<str:code>/review/",
        proficiency.result_exclusion,
        name="pt-result-review",
    ),
    path(
        "proficiency/rounds/<uuid:public_id>/report.pdf",
        proficiency.round_report,
        name="pt-round-report",
    ),
    path("proficiency/follow-ups/", proficiency.follow_up_list, name="pt-follow-ups"),
    path(
        "proficiency/follow-ups/<uuid:public_id>/",
        proficiency.follow_up_detail,
        name="pt-follow-up",
    ),
    path(
        "proficiency/follow-ups/<uuid:public_id>/submit/",
        proficiency.follow_up_submit,
        name="pt-follow-up-submit",
    ),
    path(
        "proficiency/follow-ups/<uuid:public_id>/review/",
        proficiency.follow_up_review,
        name="pt-follow-up-review",
    ),
    path(
        "proficiency/follow-ups/<uuid:public_id>/close/",
        proficiency.follow_up_close,
        name="pt-follow-up-close",
    ),
    path("login/", sessions.LoginView.as_view(), name="login"),
    path("logout/", sessions.LogoutView.as_view(), name="logout"),
    path("account/", account.account, name="account"),
    path("account/tokens/", account.token_create, name="token-create"),
    path("account/tokens/<str:prefix>/revoke/", account.token_revoke, name="token-revoke"),
]
