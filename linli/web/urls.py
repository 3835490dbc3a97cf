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
    path("activate/", views.activate, name="activate"),
    path("communities/", views.community_list, name="community_list"),
    path("c/<int:community_id>/", views.overview, name="overview"),
    path("c/<int:community_id>/units/", views.unit_list, name="unit_list"),
    path("c/<int:community_id>/buildings/", views.building_list, name="building_list"),
    path("c/<int:community_id>/owners/", views.owner_list, name="owner_list"),
    path("c/<int:community_id>/bindings/", views.binding_list, name="binding_list"),
    path("units/<int:unit_id>/", views.unit_detail, name="unit_detail"),
    path("units/<int:unit_id>/edit/", views.unit_edit, name="unit_edit"),
    path("units/<int:unit_id>/residents/new/", views.resident_create, name="resident_create"),
    path("owners/<int:owner_id>/", views.owner_detail, name="owner_detail"),
    path("owners/<int:owner_id>/edit/", views.owner_edit, name="owner_edit"),
    path("owners/<int:owner_id>/invite/", views.owner_invite, name="owner_invite"),
    path("bindings/<int:binding_id>/review/", views.binding_review, name="binding_review"),
    path("bindings/<int:binding_id>/proof/", views.binding_proof, name="binding_proof"),
    path("me/", views.my_units, name="my_units"),
    path("me/bind/", views.bind_request, name="bind_request"),
]
