from django.urls import path

from . import views

app_name = "estates"

urlpatterns = [
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
    path("activate/", views.activate, name="activate"),
    path("registry/communities/<int:pk>/import/", views.import_page, name="import"),
    path("registry/imports/<int:pk>/", views.import_job, name="import-job"),
    path("registry/imports/<int:pk>/progress/", views.import_job_progress, name="import-job-progress"),
]
