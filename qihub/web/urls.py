"""Public web pages (namespace ``web``)."""

from django.urls import path

from qihub.web.views import account, home, organisations, sessions

app_name = "web"

urlpatterns = [
    path("", home.home, name="home"),
    path("organisations/", organisations.organisation_list, name="organisation-list"),
    path(
        "organisations/<str:uscc>/",
        organisations.organisation_detail,
        name="organisation-detail",
    ),
    path("login/", sessions.LoginView.as_view(), name="login"),
    path("logout/", sessions.LogoutView.as_view(), name="logout"),
    path("account/", account.account, name="account"),
    path("account/tokens/", account.token_create, name="token-create"),
    path("account/tokens/<str:prefix>/revoke/", account.token_revoke, name="token-revoke"),
]
