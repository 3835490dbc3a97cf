"""The signed agreement as PDF, and the reports as Excel."""

import io
import subprocess

from django.urls import reverse
from openpyxl import load_workbook

from linli.afterschool import services
from linli.afterschool.pdf import agreement_pdf


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_agreement_pdf_states_the_parties_terms_text_and_signature(school, enrolled, tmp_path):
    agreement = enrolled[1].agreements.get(kind="agreement")
    text = pdf_text(agreement_pdf(agreement), tmp_path)
    compact = "".join(text.split())
    for expected in ("课后服务协议书", "甲学校", "甲家长1", "甲学生1", "初一（1）班", "17:10–18:10", "住宿生到19:40",
                     "辅导作业+补缺+提优", "双方的权利和义务", "电子签名", "v1",
                     agreement.signed_at.astimezone().strftime("%Y-%m-%d")):
        assert expected in compact, expected


def test_safety_letter_pdf_is_its_own_document(school, enrolled, tmp_path):
    letter = enrolled[1].agreements.get(kind="safety_letter")
    compact = "".join(pdf_text(agreement_pdf(letter), tmp_path).split())
    assert "课后服务安全责任书" in compact and "课后服务协议书" not in compact


def test_guardian_downloads_the_pdf_and_another_guardian_cannot(school, enrolled, client):
    agreement = enrolled[1].agreements.first()
    url = reverse("afterschool:agreement_pdf", args=[agreement.pk])
    client.force_login(school.users["guardian1"])
    response = client.get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    client.force_login(school.users["guardian2"])
    assert client.get(url).status_code == 404


def rows_of(response) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(response.content)).active
    return list(sheet.iter_rows(values_only=True))


def test_participation_export_has_a_row_per_class(school, enrolled, client):
    services.application_withdraw(actor=school.actor("guardian2"), application=enrolled[2])
    client.force_login(school.users["admin"])
    response = client.get(reverse("afterschool:participation_xlsx", args=[school.org.pk]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = rows_of(response)
    assert rows[0] == ("年级", "班级", "学生人数", "参加人数", "参与率(%)")
    assert rows[1:] == [("初一", "（1）班", 1, 1, 100), ("初一", "（2）班", 1, 0, 0)]


def test_attendance_export_counts_leave_out_of_the_rate(school, enrolled, client):
    services.attendance_take(actor=school.actor("duty"), session=school.session,
                             marks={school.students[1]: "present", school.students[2]: "leave"})
    client.force_login(school.users["admin"])
    day = school.session.date.isoformat()
    rows = rows_of(client.get(reverse("afterschool:attendance_xlsx", args=[school.org.pk]),
                              {"start": day, "end": day}))
    assert rows[0][-1] == "出勤率(%)"
    assert rows[1] == ("初一", "（1）班", 1, 1, 0, 0, 0, 1, 100)
    assert rows[2] == ("初一", "（2）班", 1, 0, 0, 0, 1, 0, None)


def test_reports_are_for_the_schools_admins(school, client):
    client.force_login(school.users["teacher1"])
    assert client.get(reverse("afterschool:reports", args=[school.org.pk])).status_code == 403
    assert client.get(reverse("afterschool:participation_xlsx", args=[school.org.pk])).status_code == 403
