from django.urls import path

from . import views

app_name = "governance"

urlpatterns = [
    path("c/<int:community_id>/", views.home, name="desk"),
    path("c/<int:community_id>/assemblies/new/", views.assembly_new, name="assembly_new"),
    path("c/<int:community_id>/elections/new/", views.election_new, name="election_new"),
    path("c/<int:community_id>/fund/", views.fund, name="fund"),
    path("c/<int:community_id>/fund/<str:what>/", views.fund_action, name="fund_action"),
    path("c/<int:community_id>/fund-usages/new/", views.usage_new, name="usage_new"),
    path("c/<int:community_id>/prep-group/", views.prep_group, name="prep_group"),
    path("c/<int:community_id>/prep-group/<str:what>/", views.prep_group_action, name="prep_group_action"),
    path("c/<int:community_id>/recall/new/", views.recall_new, name="recall_new"),
    path("assemblies/<int:pk>/", views.assembly_detail, name="assembly"),
    path("assemblies/<int:pk>/motions/", views.motion_add, name="motion_add"),
    path("assemblies/<int:pk>/proxies/", views.proxy_add, name="proxy_add"),
    path("assemblies/<int:pk>/sign-ins/", views.sign_in, name="sign_in"),
    path("assemblies/<int:pk>/minutes.pdf", views.minutes, name="minutes"),
    path("assemblies/<int:pk>/<str:what>/", views.assembly_action, name="assembly_action"),
    path("motions/<int:pk>/", views.motion_detail, name="motion"),
    path("motions/<int:pk>/vote/", views.motion_vote, name="motion_vote"),
    path("proxies/<int:pk>/document/", views.proxy_document, name="proxy_document"),
    path("elections/<int:pk>/", views.election_detail, name="election"),
    path("elections/<int:pk>/<str:what>/", views.election_action, name="election_action"),
    path("committees/<int:pk>/", views.committee_detail, name="committee"),
    path("committees/<int:pk>/<str:what>/", views.committee_action, name="committee_action"),
    path("fund-usages/<int:pk>/", views.usage_detail, name="usage"),
    path("fund-usages/<int:pk>/<str:what>/", views.usage_action, name="usage_action"),
    path("recall/<int:pk>/", views.recall_detail, name="recall"),
    path("recall/<int:pk>/sign/", views.recall_sign, name="recall_sign"),
    path("me/", views.me, name="me"),
    path("me/fund/", views.my_fund, name="my_fund"),
    path("me/fund/statement.pdf", views.my_fund_statement, name="my_fund_statement"),
]
