from django.urls import path

from . import views

app_name = "estates"

urlpatterns = [
    path("communities/<int:pk>/import/", views.import_page, name="import"),
    path("imports/<int:pk>/", views.import_job, name="import-job"),
    path("imports/<int:pk>/progress/", views.import_job_progress, name="import-job-progress"),
]
