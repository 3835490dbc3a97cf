"""The /api/v1/ URL conf. Each app's `api` module lists its `routes` (prefix, viewset, basename)
and extra `paths`; this file only collects them, so a new app adds endpoints without editing it."""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from linli.core.api import FirstRendererNegotiation


def app_api_modules():
    for config in apps.get_app_configs():
        if config.name.startswith("linli.") and find_spec(f"{config.name}.api"):
            yield import_module(f"{config.name}.api")


router = DefaultRouter()
app_paths = []
for module in app_api_modules():
    for prefix, viewset, basename in getattr(module, "routes", []):
        router.register(prefix, viewset, basename=basename)
    app_paths += getattr(module, "paths", [])

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "docs/",
        # Our copy of the page puts the CSP nonce on its inline script and style.
        SpectacularSwaggerView.as_view(url_name="api-schema", content_negotiation_class=FirstRendererNegotiation,
                                       template_name="web/api/swagger_ui.html"),
        name="api-docs",
    ),
    *app_paths,
    path("", include(router.urls)),
]
