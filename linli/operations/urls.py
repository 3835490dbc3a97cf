"""Pages of community operations under /ops/, by topic: the manager's day, staff and
organisation, rosters, patrols, cleaning and greening (environment), vehicle access at the gates,
visitors and passes, facilities, projects and notices."""

from django.urls import path, re_path

from .views import appraisal, greening
from .views import day, environment, facilities, gates, notices, patrols, projects, rosters, staff, visitors

app_name = "operations"

urlpatterns = [
    path("<int:community_id>/day/", day.day, name="people_day"),
    # Staff and organisation
    path("<int:community_id>/org/", staff.org, name="org"),
    path("<int:community_id>/positions/new/", staff.position_form, name="position_new"),
    path("<int:community_id>/positions/<int:position_id>/", staff.position_form, name="position_edit"),
    path("<int:community_id>/teams/new/", staff.team_form, name="team_new"),
    path("<int:community_id>/teams/<int:team_id>/", staff.team_form, name="team_edit"),
    path("<int:community_id>/shifts/new/", staff.shift_form, name="shift_new"),
    path("<int:community_id>/shifts/<int:shift_id>/", staff.shift_form, name="shift_edit"),
    path("<int:community_id>/staff/", staff.staff_list, name="staff_list"),
    path("<int:community_id>/staff/new/", staff.staff_form, name="staff_new"),
    path("<int:community_id>/staff/<int:member_id>/", staff.staff_form, name="staff_edit"),
    path("<int:community_id>/staff/export.xlsx", staff.staff_export, name="staff_export"),
    # Rosters
    path("<int:community_id>/roster/", rosters.roster, name="roster"),
    path("<int:community_id>/roster/add/", rosters.roster_add, name="roster_add"),
    path("<int:community_id>/roster/copy/", rosters.roster_copy, name="roster_copy"),
    path("<int:community_id>/roster/print.pdf", rosters.roster_pdf, name="roster_pdf"),
    path("roster/<int:entry_id>/delete/", rosters.roster_delete, name="roster_delete"),
    # Patrols
    path("<int:community_id>/patrols/", patrols.patrol_admin, name="patrol_admin"),
    path("<int:community_id>/patrols/generate/", patrols.patrol_generate, name="patrol_generate"),
    path("<int:community_id>/routes/new/", patrols.route_form, name="route_new"),
    path("<int:community_id>/routes/<int:route_id>/", patrols.route_form, name="route_edit"),
    path("routes/<int:route_id>/checkpoints/new/", patrols.checkpoint_form, name="checkpoint_new"),
    path("routes/<int:route_id>/checkpoints/<int:checkpoint_id>/", patrols.checkpoint_form, name="checkpoint_edit"),
    path("routes/<int:route_id>/plans/new/", patrols.plan_form, name="plan_new"),
    path("routes/<int:route_id>/plans/<int:plan_id>/", patrols.plan_form, name="plan_edit"),
    path("routes/<int:route_id>/qr.pdf", patrols.route_qr_pdf, name="route_qr_pdf"),
    path("patrol/", patrols.patrol_mine, name="patrol_mine"),
    path("patrol/round/<int:round_id>/", patrols.patrol_round, name="patrol_round"),
    path("patrol/round/<int:round_id>/checkin/", patrols.patrol_checkin, name="patrol_checkin"),
    path("patrol/round/<int:round_id>/finish/", patrols.patrol_finish, name="patrol_finish"),
    path("patrol/scan/<str:code>", patrols.patrol_scan, name="patrol_scan"),
    # Cleaning and greening
    path("<int:community_id>/environment/", environment.env_admin, name="env_admin"),
    path("<int:community_id>/environment/generate/", environment.env_generate, name="env_generate"),
    path("<int:community_id>/templates/new/", environment.template_form, name="template_new"),
    path("<int:community_id>/templates/<int:template_id>/", environment.template_form, name="template_edit"),
    path("<int:community_id>/inspections/new/", environment.inspection_new, name="inspection_new"),
    path("tasks/", environment.env_mine, name="env_mine"),
    path("tasks/<int:task_id>/complete/", environment.env_task_complete, name="env_task_complete"),
    path("tasks/<int:task_id>/photo/", environment.env_task_photo, name="env_task_photo"),
    # Vehicle access at the gates
    path("<int:community_id>/access/", gates.gate_events, name="access_gate_events"),
    path("<int:community_id>/access/vehicles/", gates.vehicles, name="access_vehicles"),
    path("<int:community_id>/access/gates/", gates.gates, name="access_gates"),
    path("access/cards/<int:pk>/<str:action>/", gates.card_act, name="access_card_act"),
    path("access/gates/<int:pk>/<str:action>/", gates.gate_act, name="access_gate_act"),
    # Visitors and temporary passes
    path("<int:community_id>/access/passes/", visitors.passes, name="access_passes"),
    path("<int:community_id>/visitors/", visitors.visitor_register, name="visitor_register"),
    re_path(r"^(?P<community_id>\d+)/visitors/export\.xlsx$", visitors.visitor_export, name="visitor_export"),
    path("access/passes/<int:pk>/", visitors.pass_detail, name="access_pass_detail"),
    path("visitors/<int:pk>/leave/", visitors.visitor_leave, name="visitor_leave"),
    # Facilities
    path("<int:community_id>/assets/", facilities.asset_list, name="asset_list"),
    re_path(r"^(?P<community_id>\d+)/assets/export\.xlsx$", facilities.asset_export, name="asset_export"),
    path("assets/<int:pk>/", facilities.asset_detail, name="asset_detail"),
    path("assets/<int:pk>/<str:action>/", facilities.asset_act, name="asset_act"),
    # Projects
    path("<int:community_id>/projects/", projects.project_list, name="project_list"),
    path("projects/<int:pk>/", projects.project_detail, name="project_detail"),
    re_path(r"^projects/(?P<pk>\d+)/export\.xlsx$", projects.project_export, name="project_export"),
    path("projects/<int:pk>/<str:action>/", projects.project_act, name="project_act"),
    path("project-units/<int:pk>/", projects.project_unit_update, name="project_unit_update"),
    # Notices
    path("<int:community_id>/notices/", notices.notice_list, name="notice_list"),
    path("<int:community_id>/notices/new/", notices.notice_edit, name="notice_new"),
    path("<int:community_id>/notices/<int:pk>/edit/", notices.notice_edit, name="notice_edit"),
    path("notices/<int:pk>/", notices.notice_detail, name="notice_detail"),
    path("notices/<int:pk>/<str:action>/", notices.notice_act, name="notice_act"),
    path("bulletin/", notices.bulletin, name="bulletin"),
    path("bulletin/<int:pk>/", notices.bulletin_detail, name="bulletin_detail"),
    # Staff appraisal (篇一 5.6)
    path("<int:community_id>/appraisals/", appraisal.appraisal_list, name="appraisal_list"),
    path("appraisals/<int:pk>/", appraisal.appraisal_detail, name="appraisal_detail"),
    path("appraisals/<int:pk>/close/", appraisal.appraisal_close, name="appraisal_close"),
    re_path(r"^appraisals/(?P<pk>\d+)/export\.xlsx$", appraisal.appraisal_export, name="appraisal_export"),
    # Greening and streetlights (篇一 五)
    path("<int:community_id>/greening/", greening.greening, name="greening"),
    path("<int:community_id>/greening/<str:what>/", greening.greening_create, name="greening_create"),
    path("plot-clearances/<int:pk>/photo/", greening.plot_photo, name="plot_photo"),
    path("plot-clearances/<int:pk>/<str:action>/", greening.plot_act, name="plot_act"),
    path("streetlight-faults/<int:pk>/<str:action>/", greening.streetlight_act, name="streetlight_act"),
]
