"""Programs and sessions, applications and the agreements guardians e-sign, over the API."""


from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from linli.core.api import FirstRendererNegotiation, ServiceViewSet, scoped

from .. import selectors, services
from ..models import Agreement, AgreementText, Application, Program, Session
from ..pdf import agreement_pdf


class ReviewSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class ProgramSerializer(serializers.ModelSerializer):
    term = scoped(selectors.term_list)
    grade = scoped(selectors.grade_list)
    content = serializers.ListField(child=serializers.CharField(max_length=60), required=False,
                                    help_text="服务内容条目，例如 [\"辅导作业\", \"补缺\", \"提优\"]")
    weekdays_label = serializers.CharField(read_only=True)

    class Meta:
        model = Program
        fields = ["id", "school", "term", "grade", "name", "kind", "weekdays", "weekdays_label", "start_time",
                  "end_time", "boarder_end_time", "content", "method"]
        read_only_fields = ["school"]
        validators = []


class GenerateResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()


class ProgramViewSet(ServiceViewSet):
    serializer_class = ProgramSerializer
    filterset_fields = ["school", "term", "grade", "kind"]
    selector = selectors.program_list
    create_service = services.program_create
    update_service = services.program_update

    @extend_schema(request=None, responses={201: GenerateResultSerializer})
    @action(detail=True, methods=["post"], url_path="generate-sessions")
    def generate_sessions(self, request, pk=None):
        """Make the program's sessions for every matching day of its term (idempotent)."""
        created = services.session_generate(actor=self.actor, program=self.get_object())
        return Response({"created": created}, status=status.HTTP_201_CREATED)


class SessionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Session
        fields = ["id", "school", "program", "date", "start_time", "end_time", "boarder_end_time", "status", "note"]
        read_only_fields = fields


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class SessionViewSet(ServiceViewSet):
    """Sessions are made from the programs' schedules (`programs/{id}/generate-sessions/`)."""

    serializer_class = SessionSerializer
    filterset_fields = ["school", "program", "date", "status"]
    selector = selectors.session_list

    @extend_schema(request=CancelSerializer, responses=SessionSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        serializer = CancelSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        session = services.session_cancel(actor=self.actor, session=self.get_object(), **serializer.validated_data)
        return Response(self.get_serializer(session).data)


class ApplicationSerializer(serializers.ModelSerializer):
    student = scoped(selectors.student_list)
    program = scoped(selectors.program_list)
    consent = serializers.BooleanField(write_only=True, help_text="家长已阅读服务时间、内容和方式并自愿申请：必须为 true")

    class Meta:
        model = Application
        fields = ["id", "school", "student", "program", "guardian", "status", "statement", "consent", "consented_at",
                  "terms", "class_reviewer", "class_reviewed_at", "class_note", "school_reviewer",
                  "school_reviewed_at", "school_note", "enrolled_at", "created_at"]
        read_only_fields = ["school", "guardian", "status", "consented_at", "terms", "class_reviewer",
                            "class_reviewed_at", "class_note", "school_reviewer", "school_reviewed_at", "school_note",
                            "enrolled_at", "created_at"]
        extra_kwargs = {"statement": {"required": False}}
        validators = []


class ApplicationViewSet(ServiceViewSet):
    """A guardian applies (`consent` must be true); the class teacher reviews and the school
    approves through `review`; the guardian may `withdraw`."""

    serializer_class = ApplicationSerializer
    filterset_fields = ["school", "student", "program", "status"]
    selector = selectors.application_list
    create_service = services.application_submit
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(request=ReviewSerializer, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        serializer = ReviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        application = services.application_review(actor=self.actor, application=self.get_object(),
                                                   **serializer.validated_data)
        return Response(self.get_serializer(application).data)

    @extend_schema(request=None, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        application = services.application_withdraw(actor=self.actor, application=self.get_object())
        return Response(self.get_serializer(application).data)


class AgreementTextSerializer(serializers.ModelSerializer):
    school = scoped(selectors.school_list)

    class Meta:
        model = AgreementText
        fields = ["id", "school", "kind", "version", "title", "body", "created_at"]
        read_only_fields = ["version", "created_at"]


class AgreementTextViewSet(ServiceViewSet):
    """Versioned texts: POST publishes the next version of a kind; versions are never edited."""

    serializer_class = AgreementTextSerializer
    filterset_fields = ["school", "kind", "version"]
    selector = selectors.agreement_text_list
    create_service = services.agreement_text_publish
    http_method_names = ["get", "post", "head", "options"]


class AgreementSerializer(serializers.ModelSerializer):
    application = scoped(selectors.application_list)
    text = scoped(selectors.agreement_text_list, help_text="签署的文本版本：须为该类文本的最新版本")
    consent = serializers.BooleanField(write_only=True, help_text="已阅读全文并同意：必须为 true")

    class Meta:
        model = Agreement
        fields = ["id", "school", "application", "text", "signer", "signer_name", "consent", "signed_at", "digest"]
        read_only_fields = ["school", "signer", "signed_at", "digest"]
        validators = []


class AgreementViewSet(ServiceViewSet):
    """POST e-signs a text (the current version of its kind) for an approved application;
    GET …/pdf/ is the signed document."""

    serializer_class = AgreementSerializer
    filterset_fields = ["school", "application", "kind"]
    selector = selectors.agreement_list
    create_service = services.agreement_sign
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], renderer_classes=[JSONRenderer],
            content_negotiation_class=FirstRendererNegotiation)
    def pdf(self, request, pk=None):
        agreement = self.get_object()
        response = HttpResponse(agreement_pdf(agreement), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="agreement-{agreement.pk}.pdf"'
        return response
