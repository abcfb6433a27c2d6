"""Public web pages (namespace ``web``)."""

from django.urls import path

from qihub.web.views import (
    account,
    declarations,
    home,
    local_standards,
    organisations,
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
    path("login/", sessions.LoginView.as_view(), name="login"),
    path("logout/", sessions.LogoutView.as_view(), name="logout"),
    path("account/", account.account, name="account"),
    path("account/tokens/", account.token_create, name="token-create"),
    path("account/tokens/<str:prefix>/revoke/", account.token_revoke, name="token-revoke"),
]
