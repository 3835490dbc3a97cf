"""The school's duties over the API (篇二): parent consultations (the admin drafts, sends and
reads the results; a guardian reads an open one sent to them and answers it), safety education
per class and staff meetings with minutes."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from linli.core.api import ServiceViewSet, scoped

from .. import selectors
from .. import selectors_duties as duties
from ..models import Consultation, ConsultationQuestion, SafetyEducation, StaffMeeting
from ..services import duties as services

READ_POST = ["get", "post", "head", "options"]


class QuestionSerializer(serializers.ModelSerializer):
    options = serializers.ListField(child=serializers.CharField(max_length=60), min_length=2, max_length=10)

    class Meta:
        model = ConsultationQuestion
        fields = ["id", "text", "options"]
        read_only_fields = ["id"]


class ConsultationSerializer(serializers.ModelSerializer):
    school = scoped(selectors.staff_school_list)
    program = scoped(selectors.program_list)
    questions = QuestionSerializer(many=True)
    closes_at = serializers.DateTimeField(required=False, help_text="留空即到项目开始（学期首日的开始时间）截止；不能更晚")

    class Meta:
        model = Consultation
        fields = ["id", "school", "program", "title", "intro", "questions", "closes_at", "status", "sent_at",
                  "recipients"]
        read_only_fields = ["status", "sent_at", "recipients"]


class AnswerSerializer(serializers.Serializer):
    answers = serializers.DictField(child=serializers.IntegerField(min_value=0),
                                    help_text="{问题 id: 所选选项的序号（从 0 起）}，每题必答")


class OptionResultSerializer(serializers.Serializer):
    label = serializers.CharField()
    count = serializers.IntegerField()
    percent = serializers.DecimalField(max_digits=5, decimal_places=1)


class QuestionResultSerializer(serializers.Serializer):
    question = serializers.IntegerField()
    text = serializers.CharField()
    answered = serializers.IntegerField()
    options = OptionResultSerializer(many=True)


class ConsultationViewSet(ServiceViewSet):
    """Questionnaires to the guardians of a program's applicants, closing at the latest when the program starts."""

    serializer_class = ConsultationSerializer
    selector = duties.consultation_list
    create_service = services.consultation_create
    filterset_fields = ["school", "program", "status"]
    http_method_names = READ_POST

    def _admin_object(self):
        consultation = self.get_object()
        if not duties.may_read_results(self.actor, consultation):
            raise NotFound()
        return consultation

    @extend_schema(request=None, responses=ConsultationSerializer)
    @action(detail=True, methods=["post"])
    def send(self, request, pk=None):
        """Open it and text the guardians."""
        consultation = services.consultation_send(actor=self.actor, consultation=self._admin_object())
        return Response(self.get_serializer(consultation).data)

    @extend_schema(responses=inline_serializer("ConsultationResults", {
        "responses": serializers.IntegerField(), "recipients": serializers.IntegerField(),
        "rate": serializers.DecimalField(max_digits=5, decimal_places=1),
        "questions": QuestionResultSerializer(many=True)}))
    @action(detail=True, methods=["get"])
    def results(self, request, pk=None):
        """Per question and option: how many guardians chose it and its share of the answers (the admin's only)."""
        data = duties.consultation_results(self._admin_object())
        return Response({**data, "questions": [
            {"question": q["question"].pk, "text": q["question"].text, "answered": q["answered"],
             "options": [{**o, "percent": str(o["percent"])} for o in q["options"]]} for q in data["questions"]],
            "rate": str(data["rate"])})

    @extend_schema(request=AnswerSerializer, responses=inline_serializer("ConsultationAnswered", {
        "id": serializers.IntegerField(), "submitted_at": serializers.DateTimeField()}))
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        """A guardian's answers, once, before it closes."""
        parsed = AnswerSerializer(data=request.data)
        parsed.is_valid(raise_exception=True)
        response = services.consultation_answer(actor=self.actor, consultation=self.get_object(),
                                                answers=parsed.validated_data["answers"])
        return Response({"id": response.pk, "submitted_at": response.submitted_at}, status=201)


class SafetyEducationSerializer(serializers.ModelSerializer):
    school = scoped(selectors.staff_school_list)
    school_class = scoped(selectors.school_class_list)
    teacher = scoped(selectors.staff_user_list)

    class Meta:
        model = SafetyEducation
        fields = ["id", "school", "school_class", "date", "topic", "teacher", "attendance", "note", "recorded_by"]
        read_only_fields = ["recorded_by"]


class SafetyEducationViewSet(ServiceViewSet):
    """Safety education per class: the admin records, a class teacher reads their classes'."""

    serializer_class = SafetyEducationSerializer
    selector = duties.safety_education_list
    create_service = services.safety_education_record
    filterset_fields = ["school", "school_class", "date"]
    http_method_names = READ_POST


class StaffMeetingSerializer(serializers.ModelSerializer):
    school = scoped(selectors.staff_school_list)
    attendees = scoped(selectors.staff_user_list, many=True)
    decisions = serializers.ListField(child=serializers.CharField(max_length=200), required=False)

    class Meta:
        model = StaffMeeting
        fields = ["id", "school", "kind", "date", "title", "attendees", "minutes", "decisions", "recorded_by"]
        read_only_fields = ["recorded_by"]


class StaffMeetingViewSet(ServiceViewSet):
    """Meetings of the working group, all staff or the class teachers, with minutes and decisions."""

    serializer_class = StaffMeetingSerializer
    selector = duties.staff_meeting_list
    create_service = services.staff_meeting_record
    filterset_fields = ["school", "kind", "date"]
    http_method_names = READ_POST


routes = [
    ("consultations", ConsultationViewSet, "consultation"),
    ("safety-education", SafetyEducationViewSet, "safety-education"),
    ("staff-meetings", StaffMeetingViewSet, "staff-meeting"),
]
