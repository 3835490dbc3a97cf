"""The /api/v1/ router. Each app registers its viewsets here; nothing else lives in this file."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.routers import DefaultRouter

from linli.estates import api as estates
from linli.orgs import api as orgs



class HtmlWhateverIsAccepted(BaseContentNegotiation):
    """The docs page is HTML whatever the client's Accept header says (API clients send JSON)."""

    def select_parser(self, request, parsers):
        return parsers[0]

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


router = DefaultRouter()
router.register("organizations", orgs.OrganizationViewSet, basename="organization")
router.register("users", orgs.UserViewSet, basename="user")
router.register("memberships", orgs.MembershipViewSet, basename="membership")
router.register("communities", estates.CommunityViewSet, basename="community")
router.register("zones", estates.ZoneViewSet, basename="zone")
router.register("buildings", estates.BuildingViewSet, basename="building")
router.register("units", estates.UnitViewSet, basename="unit")
router.register("owners", estates.OwnerViewSet, basename="owner")
router.register("ownerships", estates.OwnershipViewSet, basename="ownership")
router.register("residents", estates.ResidentViewSet, basename="resident")
router.register("parking-spaces", estates.ParkingSpaceViewSet, basename="parking-space")
router.register("premises", estates.PremisesViewSet, basename="premises")
router.register("binding-requests", estates.BindingRequestViewSet, basename="binding-request")
router.register("imports", estates.ImportJobViewSet, basename="import-job")

urlpatterns = [
    path("auth/token/", orgs.TokenView.as_view(), name="api-token"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema", content_negotiation_class=HtmlWhateverIsAccepted), name="api-docs"),
    # Before the router, whose format-suffix routes would read "template.xlsx" as an object id.
    path("imports/template.xlsx", estates.ImportTemplateView.as_view(), name="import-template"),
    path("communities/<int:pk>/export.xlsx", estates.CommunityExportView.as_view(), name="community-export"),
    path("", include(router.urls)),
]
