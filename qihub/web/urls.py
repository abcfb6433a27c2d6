"""Public web pages (namespace ``web``)."""

from django.urls import path

from qihub.web.views import accounts, home, organisations

app_name = "web"

urlpatterns = [
    path("", home.home, name="home"),
    path("organisations/", organisations.organisation_list, name="organisation-list"),
    path(
        "organisations/<str:uscc>/",
        organisations.organisation_detail,
        name="organisation-detail",
    ),
    path("login/", accounts.LoginView.as_view(), name="login"),
    path("logout/", accounts.LogoutView.as_view(), name="logout"),
]
