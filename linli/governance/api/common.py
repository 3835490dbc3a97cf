"""What every governance endpoint shares: the read-and-create viewset, money as a string,
and the small inputs several actions take."""

from rest_framework import serializers, status
from rest_framework.response import Response

from linli.core.api import ServiceViewSet, scoped

from .. import selectors

READ_AND_CREATE = ["get", "post", "head", "options"]


def money_field(**kwargs):
    """An amount in yuan as a string ("22.34"); the models keep it in fen (DESIGN §3)."""
    return serializers.DecimalField(max_digits=14, decimal_places=2, **kwargs)


class GovernanceViewSet(ServiceViewSet):
    http_method_names = READ_AND_CREATE

    def action_input(self, serializer_class):
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def respond(self, serializer_class, instance, created=True):
        data = serializer_class(instance, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class NoteInput(serializers.Serializer):
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class OwnerInput(serializers.Serializer):
    owner = scoped(selectors.owner_choices)
