from django.urls import path, re_path

from . import views, views_teams

app_name = "servicedesk"

urlpatterns = [
    path("c/<int:community_id>/", views.request_list, name="service_requests"),
    path("c/<int:community_id>/new/", views.request_new, name="request_new"),
    path("c/<int:community_id>/review/", views.review, name="daily_review"),
    re_path(r"^c/(?P<community_id>\d+)/review/export\.(?P<fmt>xlsx|pdf)$", views.review_export, name="review_export"),
    path("c/<int:community_id>/dashboard/", views.dashboard, name="service_dashboard"),
    path("c/<int:community_id>/settings/", views.sla_settings, name="sla_settings"),
    path("c/<int:community_id>/teams/", views_teams.team_list, name="teams"),
    path("c/<int:community_id>/teams/new/", views_teams.team_new, name="team_new"),
    path("c/<int:community_id>/teams/<int:pk>/", views_teams.team_edit, name="team_edit"),
    path("companies/<int:company_id>/", views.company_dashboard, name="company_dashboard"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/<str:action>/", views.request_act, name="request_act"),
    path("work/", views.work_queue, name="work_queue"),
    path("hotline/", views.hotline, name="hotline"),
    path("me/", views.my_requests, name="my_requests"),
    path("me/new/", views.my_request_new, name="my_request_new"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:pk>/", views.inbox_open, name="inbox_open"),
]
