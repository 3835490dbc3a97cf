"""The one place that sets up fonts and styles for every PDF the product makes (DESIGN §8).

Every PDF embeds a subset of its CJK font, so it renders and its text extracts on any machine,
including one without a language pack. reportlab's built-in STSong-Light is a CID font that is
never embedded: in a viewer without Adobe-GB1 data every character of a receipt, amounts included,
rendered blank. We embed WenQuanYi Micro Hei (文泉驿微米黑, Apache-2.0 / GPLv3 with the font
exception): it has TrueType outlines, which reportlab can subset and embed, and it comes with the
pinned Python dependencies (the wheel `paperang-p2-fonts-cjk`), so no system font is assumed.

Registration is lazy: parsing the 5 MB collection costs about 0.15 s, which only a process that
actually writes a PDF should pay.
"""

import io
from functools import cache
from importlib.resources import files

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfbase.pdfmetrics import registerFontFamily
from reportlab.platypus import SimpleDocTemplate, Table, TableStyle

FONT = "LinliCJK"
FONT_FILE = files("paperang_p2_fonts_cjk") / "fonts" / "wqy-microhei.ttc"

# Paragraph styles resolve their font family when a paragraph is made, before any page is laid
# out; the family needs only the name, the font file itself is read by register_fonts().
registerFontFamily(FONT, normal=FONT, bold=FONT, italic=FONT, boldItalic=FONT)

BODY = ParagraphStyle("body", fontName=FONT, fontSize=11, leading=18, wordWrap="CJK")
TITLE = ParagraphStyle("title", parent=BODY, fontSize=18, leading=26, alignment=1, spaceAfter=6 * mm)
SIGN = ParagraphStyle("sign", parent=BODY, alignment=2)
HEADING = ParagraphStyle("heading", parent=BODY, fontSize=13, leading=20, spaceBefore=5 * mm, spaceAfter=2 * mm)


@cache
def register_fonts() -> str:
    """Register the embedded CJK font once per process, and make it every canvas's initial font:
    otherwise reportlab opens each page with Helvetica, a font it never embeds."""
    pdfmetrics.registerFont(TTFont(FONT, str(FONT_FILE), subfontIndex=0))
    rl_config.canvas_basefontname = FONT
    return FONT


def grid_style(font_size: float = 9, *, valign: str = "TOP") -> TableStyle:
    """The ruled table of our reports: a grey grid and a tinted header row, all in the CJK font."""
    return TableStyle([
        ("FONT", (0, 0), (-1, -1), FONT, font_size),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef1f5")),
        ("VALIGN", (0, 0), (-1, -1), valign),
    ])


def build_pdf(story: list, *, title: str, pagesize=A4, margin: float = 25 * mm, on_page=None) -> bytes:
    """Lay out a story of flowables on pages of `pagesize` and return the PDF's bytes."""
    register_fonts()
    for flowable in story:
        if isinstance(flowable, Table):
            # A table opens every cell in Helvetica, which is never embedded, unless told otherwise;
            # a name without a size keeps each table's own sizes.
            flowable.setStyle([("FONT", (0, 0), (-1, -1), FONT)])
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=pagesize, title=title, leftMargin=margin, rightMargin=margin,
                                 topMargin=margin, bottomMargin=margin)
    if on_page is None:
        document.build(story)
    else:
        document.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue()
