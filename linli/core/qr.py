"""QR codes as inline SVG, drawn by reportlab (no extra dependency, no network): the
authenticator key on the second-factor page, a WeChat Pay Native code_url on the order page."""

import io


def qr_svg(text: str, size: int = 220) -> str:
    """The text as a QR code in SVG, `size` points square."""
    from reportlab.graphics import renderSVG
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing

    widget = QrCodeWidget(text, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    out = io.StringIO()
    renderSVG.drawToFile(drawing, out)
    svg = out.getvalue()
    return svg[svg.index("<svg"):]
