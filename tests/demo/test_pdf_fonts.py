"""Every kind of PDF the product makes carries its own font (DESIGN §8), so it renders and its text
extracts on a machine without any language pack: `pdffonts` says every font is embedded, and
`pdftotext` finds the Chinese text and the amounts. CI installs poppler-utils without
poppler-data, so an unembedded CJK font would extract as nothing here.

Each PDF is fetched as a person would, from its page, as a demo login allowed to see it."""

import subprocess

import pytest
from django.urls import reverse

from linli.afterschool.models import Agreement
from linli.billing.models import Payment
from linli.governance.models import Assembly
from linli.operations.models import PatrolRoute
from linli.oversight.models import Rectification


def font_problems(data: bytes) -> list[str]:
    """What pdffonts finds wrong: a font that is not embedded, a complaint on stderr (without the
    language pack, poppler leaves an unembedded CID font out of its table and says so there), or
    no font at all."""
    run = subprocess.run(["pdffonts", "-"], input=data, capture_output=True, check=True)
    problems = [line for line in run.stderr.decode().splitlines() if line.strip()]
    rows = run.stdout.decode().splitlines()[2:]  # a header and a rule
    if not rows:
        problems.append("no font")
    for line in rows:
        fields = line.split()  # name type [encoding words] emb sub uni object-id generation
        if fields[-5] != "yes":
            problems.append(f"not embedded: {fields[0]}")
    return problems


def pdf_text(data: bytes) -> str:
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True,
                          check=True).stdout.decode()


def receipt(demo, signed_in):
    payment = Payment.objects.filter(community=demo, kind=Payment.Kind.PAYMENT, voided_at__isnull=True,
                                     amount__gt=0).order_by("id").first()
    response = signed_in("cashier").get(reverse("billing:receipt", args=[payment.pk]))
    return response, ["收款收据", demo.company.name, payment.receipt_no, str(payment.amount)]


def invitation_notice(demo, signed_in):
    owner = demo.owners.filter(user__isnull=True).order_by("id").first()
    response = signed_in("manager").post(reverse("estates:owner_invite", args=[owner.pk]), {"output": "pdf"})
    return response, ["业主账号开通通知", owner.name]


def minutes(demo, signed_in):
    assembly = Assembly.objects.filter(community=demo, published_at__isnull=False).order_by("id").first()
    response = signed_in("committee").get(reverse("governance:minutes", args=[assembly.pk]))
    return response, ["会议记录", assembly.title, "监票人"]


def fund_statement(demo, signed_in):
    response = signed_in("owner").get(reverse("governance:my_fund_statement"))
    return response, ["专项维修资金对账单", "余额"]


def agreement(demo, signed_in):
    signed = Agreement.objects.order_by("id").first()
    response = signed_in("school").get(reverse("afterschool:agreement_pdf", args=[signed.pk]))
    return response, [signed.text.title, signed.signer_name]


def daily_review(demo, signed_in):
    response = signed_in("manager").get(reverse("servicedesk:review_export", args=[demo.pk, "pdf"]))
    return response, ["日清日审", demo.name]


def rectification(demo, signed_in):
    order = Rectification.objects.select_related("company").order_by("id").first()
    response = signed_in("admin").get(reverse("oversight:rectification_pdf", args=[order.pk, "criticism"]))
    return response, ["通报批评", order.company.name, str(order.result.total)]


def roster(demo, signed_in):
    response = signed_in("manager").get(reverse("operations:roster_pdf", args=[demo.pk]))
    return response, ["排班表", demo.name]


def checkpoint_codes(demo, signed_in):
    route = PatrolRoute.objects.filter(community=demo).order_by("id").first()
    point = route.checkpoints.filter(active=True).order_by("order", "id").first()
    response = signed_in("manager").get(reverse("operations:route_qr_pdf", args=[route.pk]))
    return response, ["巡更点二维码", point.name, point.code]


KINDS = [receipt, invitation_notice, minutes, fund_statement, agreement, daily_review, rectification, roster,
         checkpoint_codes]


@pytest.mark.parametrize("make", KINDS, ids=[k.__name__ for k in KINDS])
def test_every_font_is_embedded_and_the_text_extracts_without_a_language_pack(demo, signed_in, make):
    response, expected = make(demo, signed_in)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    data = b"".join(response) if response.streaming else response.content
    assert font_problems(data) == []
    text = pdf_text(data)
    missing = [piece for piece in expected if piece not in text]
    assert not missing, f"{missing} not in:\n{text[:2000]}"


def test_the_check_fails_on_a_font_that_is_not_embedded():
    """A PDF in reportlab's STSong-Light, a CID font it never embeds (what every PDF used before),
    is caught, and its text does not extract here."""
    import io

    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, initialFontName="STSong-Light")
    page.drawString(72, 720, "收款收据 100.00")
    page.save()
    assert font_problems(buffer.getvalue())
    assert "收款收据" not in pdf_text(buffer.getvalue())
