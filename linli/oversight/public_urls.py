"""The public credit page (信誉档案公示): published results and credit records, no login."""

from django.urls import path

from . import views

app_name = "credit"

urlpatterns = [
    path("", views.public_index, name="index"),
    path("companies/<int:company_id>/", views.public_company, name="company"),
]
