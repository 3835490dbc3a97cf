from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("linli.api_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("billing/", include("linli.billing.urls")),
    path("governance/", include("linli.governance.urls")),
    path("service/", include("linli.servicedesk.urls")),
    path("open311/v2/", include("linli.servicedesk.open311")),
    path("school/", include("linli.afterschool.urls")),
    path("oversight/", include("linli.oversight.urls")),
    path("ops/", include("linli.operations.urls")),
    path("credit/", include("linli.oversight.public_urls")),
    # The registry pages sit at the top level (/c/…/units/, /me/, /activate/), its import under registry/.
    path("", include("linli.estates.urls")),
    path("", include("linli.web.urls")),
]
handler400 = "linli.core.api.bad_request"
handler403 = "linli.core.api.permission_denied"
handler404 = "linli.core.api.page_not_found"
handler500 = "linli.core.api.server_error"
