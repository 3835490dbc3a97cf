from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.SignInView.as_view(), name="login"),
    path("login/code/", views.otp_verify, name="otp_verify"),
    path("account/second-factor/", views.otp_setup, name="otp_setup"),
    path("account/password/", views.password_change, name="password_change"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("mine/", views.my_home, name="my_home"),
    path("communities/", views.community_list, name="community_list"),
    path("c/<int:community_id>/", views.overview, name="overview"),
]
