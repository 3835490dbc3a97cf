"""Pages of vehicle access, visitors, facilities, projects and notices (under /ops/)."""

from django.urls import path, re_path

from .views import access, access_facilities as facilities, access_notices as notices

urlpatterns = [
    path("<int:community_id>/access/", access.gate_events, name="access_gate_events"),
    path("<int:community_id>/access/vehicles/", access.vehicles, name="access_vehicles"),
    path("<int:community_id>/access/gates/", access.gates, name="access_gates"),
    path("<int:community_id>/access/passes/", access.passes, name="access_passes"),
    path("<int:community_id>/visitors/", access.visitor_register, name="visitor_register"),
    re_path(r"^(?P<community_id>\d+)/visitors/export\.xlsx$", access.visitor_export, name="visitor_export"),
    path("access/cards/<int:pk>/<str:action>/", access.card_act, name="access_card_act"),
    path("access/gates/<int:pk>/<str:action>/", access.gate_act, name="access_gate_act"),
    path("access/passes/<int:pk>/", access.pass_detail, name="access_pass_detail"),
    path("visitors/<int:pk>/leave/", access.visitor_leave, name="visitor_leave"),
    path("<int:community_id>/assets/", facilities.asset_list, name="asset_list"),
    re_path(r"^(?P<community_id>\d+)/assets/export\.xlsx$", facilities.asset_export, name="asset_export"),
    path("assets/<int:pk>/", facilities.asset_detail, name="asset_detail"),
    path("assets/<int:pk>/<str:action>/", facilities.asset_act, name="asset_act"),
    path("<int:community_id>/projects/", facilities.project_list, name="project_list"),
    path("projects/<int:pk>/", facilities.project_detail, name="project_detail"),
    re_path(r"^projects/(?P<pk>\d+)/export\.xlsx$", facilities.project_export, name="project_export"),
    path("projects/<int:pk>/<str:action>/", facilities.project_act, name="project_act"),
    path("project-units/<int:pk>/", facilities.project_unit_update, name="project_unit_update"),
    path("<int:community_id>/notices/", notices.notice_list, name="notice_list"),
    path("<int:community_id>/notices/new/", notices.notice_edit, name="notice_new"),
    path("<int:community_id>/notices/<int:pk>/edit/", notices.notice_edit, name="notice_edit"),
    path("notices/<int:pk>/", notices.notice_detail, name="notice_detail"),
    path("notices/<int:pk>/<str:action>/", notices.notice_act, name="notice_act"),
    path("bulletin/", notices.bulletin, name="bulletin"),
    path("bulletin/<int:pk>/", notices.bulletin_detail, name="bulletin_detail"),
]
