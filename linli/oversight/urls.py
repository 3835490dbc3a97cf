from django.urls import path

from . import department_views, duty_views, regulator_views, training_views, views

app_name = "oversight"

urlpatterns = [
    path("", views.home, name="home"),
    path("my/", views.my_results, name="my_results"),
    path("j/<int:jurisdiction_id>/", views.dashboard, name="dashboard"),
    path("j/<int:jurisdiction_id>/evaluation/", views.evaluation_page, name="evaluation"),
    path("j/<int:jurisdiction_id>/evaluation/publish/", views.publish, name="publish"),
    path("j/<int:jurisdiction_id>/evaluation/annual/", views.annual_assessment, name="annual"),
    path("j/<int:jurisdiction_id>/evaluation/ranking/", views.quarterly_ranking, name="ranking"),
    path("j/<int:jurisdiction_id>/evaluation/rankings.xlsx", views.export_rankings, name="rankings_xlsx"),
    path("j/<int:jurisdiction_id>/evaluation/statistics.xlsx", views.export_statistics, name="statistics_xlsx"),
    path("j/<int:jurisdiction_id>/inspect/", views.inspection_new, name="inspect"),
    path("j/<int:jurisdiction_id>/committees/", views.committees, name="committees"),
    path("j/<int:jurisdiction_id>/training/", views.training, name="training"),
    path("j/<int:jurisdiction_id>/honours/", views.honours, name="honours"),
    path("j/<int:jurisdiction_id>/renovation/", views.renovation, name="renovation"),
    path("inspections/<int:inspection_id>/", views.inspection_detail, name="inspection"),
    path("photos/<int:photo_id>/", views.inspection_photo, name="photo"),
    path("results/<int:result_id>/rectify/", views.rectify, name="rectify"),
    path("rectifications/<int:rectification_id>/", views.rectification_detail, name="rectification"),
    path("rectifications/<int:rectification_id>/<str:document>.pdf", views.rectification_pdf, name="rectification_pdf"),
    path("companies/<int:company_id>/", views.company_file, name="company"),
    # 篇三 一(一), 三、(二): the tiers' own duties.
    path("j/<int:jurisdiction_id>/duties/", duty_views.duties, name="duties"),
    path("j/<int:jurisdiction_id>/duties/late/", duty_views.late, name="duties_late"),
    path("j/<int:jurisdiction_id>/duties/late.xlsx", duty_views.late_xlsx, name="duties_late_xlsx"),
    path("j/<int:jurisdiction_id>/staffing/", duty_views.staffing, name="staffing"),
    path("duties/<int:duty_item_id>/", duty_views.duty_item, name="duty_item"),
    path("j/<int:jurisdiction_id>/renovation/new/", regulator_views.renovation_create, name="renovation_create"),
    path("my/training/", training_views.coverage, name="my_training"),
    path("my/training.xlsx", training_views.coverage_xlsx, name="my_training_xlsx"),
    path("my/qualification/", training_views.qualification_mine, name="qualification_mine"),
    path("j/<int:jurisdiction_id>/training/coverage/", training_views.coverage, name="training_coverage"),
    path("j/<int:jurisdiction_id>/training/coverage.xlsx", training_views.coverage_xlsx,
         name="training_coverage_xlsx"),
    path("j/<int:jurisdiction_id>/qualifications/", training_views.qualifications, name="qualifications"),
    path("department/", department_views.home, name="department"),
    path("department/inspections/<int:inspection_id>/", department_views.score, name="department_score"),
]
