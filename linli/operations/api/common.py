"""What the operations API modules share."""

from django.shortcuts import get_object_or_404
from rest_framework import serializers

from linli.estates import selectors as estates

READ_POST = ["get", "post", "head", "options"]


class EmptySerializer(serializers.Serializer):
    pass


def community_or_404(actor, community_id):
    return get_object_or_404(estates.community_list(actor=actor), pk=community_id)
