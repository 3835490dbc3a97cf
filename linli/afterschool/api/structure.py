"""The school's structure over the API: terms, grades, classes, guardians and students."""


from rest_framework import serializers

from linli.core.api import ServiceViewSet, scoped
from linli.core.masking import mask_phone
from linli.core.tenancy import actor_for

from .. import selectors, services
from ..models import Grade, Guardian, SchoolClass, Student, Term


class TermSerializer(serializers.ModelSerializer):
    school = scoped(selectors.school_list)

    class Meta:
        model = Term
        fields = ["id", "school", "name", "start_date", "end_date"]
        validators = []


class TermViewSet(ServiceViewSet):
    serializer_class = TermSerializer
    filterset_fields = ["school"]
    selector = selectors.term_list
    create_service = services.term_create
    update_service = services.term_update


class GradeSerializer(serializers.ModelSerializer):
    school = scoped(selectors.school_list)

    class Meta:
        model = Grade
        fields = ["id", "school", "name", "order"]
        validators = []


class GradeViewSet(ServiceViewSet):
    serializer_class = GradeSerializer
    filterset_fields = ["school"]
    selector = selectors.grade_list
    create_service = services.grade_create
    update_service = services.grade_update


class SchoolClassSerializer(serializers.ModelSerializer):
    grade = scoped(selectors.grade_list)
    head_teacher = scoped(selectors.staff_user_list, allow_null=True, required=False)

    class Meta:
        model = SchoolClass
        fields = ["id", "school", "grade", "name", "head_teacher"]
        read_only_fields = ["school"]
        validators = []


class SchoolClassViewSet(ServiceViewSet):
    serializer_class = SchoolClassSerializer
    filterset_fields = ["school", "grade", "head_teacher"]
    selector = selectors.school_class_list
    create_service = services.school_class_create
    update_service = services.school_class_update
    service_object_name = "school_class"


class GuardianSerializer(serializers.ModelSerializer):
    """Phones are shown in full only to those who must call the guardian (see selectors)."""

    school = scoped(selectors.school_list)
    user = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = Guardian
        fields = ["id", "school", "name", "relation", "phone", "address", "user"]
        validators = []

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not selectors.may_see_guardian_phone(actor_for(self.context["request"].user), instance):
            data["phone"] = mask_phone(data["phone"])
            data["address"] = ""
        return data


class GuardianViewSet(ServiceViewSet):
    serializer_class = GuardianSerializer
    filterset_fields = ["school", "students"]
    selector = selectors.guardian_list
    create_service = services.guardian_create
    update_service = services.guardian_update


class StudentSerializer(serializers.ModelSerializer):
    school_class = scoped(selectors.school_class_list)
    guardians = scoped(selectors.guardian_list, many=True, required=False)
    grade = serializers.IntegerField(source="school_class.grade_id", read_only=True)

    class Meta:
        model = Student
        fields = ["id", "school", "school_class", "grade", "name", "student_no", "boarder", "guardians"]
        read_only_fields = ["school"]
        validators = []


class StudentViewSet(ServiceViewSet):
    serializer_class = StudentSerializer
    filterset_fields = ["school", "school_class", "school_class__grade", "boarder"]
    selector = selectors.student_list
    create_service = services.student_create
    update_service = services.student_update

    def get_queryset(self):
        return super().get_queryset().prefetch_related("guardians")
