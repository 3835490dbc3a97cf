"""Pages of community operations under /ops/. The two halves keep their own URL lists:
people and routines (staff, rosters, patrols, environment, the manager's day) and places and
things (vehicle access, visitors, facilities, projects, notices)."""

from django.urls import include, path

app_name = "operations"

urlpatterns = [
    path("", include("linli.operations.urls_people")),
    path("", include("linli.operations.urls_access")),
]
