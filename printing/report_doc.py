"""The A4 document every report is built in: portrait and landscape pages, a footer with
the hall, the title and the page number, and for internal reports a mark on every page."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

from kiosk.i18n import gettext_for
from printing.fonts import BOLD, REGULAR
from printing.report_style import BAD, MARGIN, MUTED, register_family


def build_pdf(
    story: Sequence[Any],
    *,
    title: str,
    footer: str,
    author: str,
    lang: str,
    internal: str | None = None,
) -> bytes:
    """``story`` as PDF bytes titled ``title``; every page's foot names the hall (``author``)
    and ``footer``, and ``internal`` is printed at the top of every page."""
    register_family()
    _ = gettext_for(lang)
    buffer = io.BytesIO()

    def decorate(canvas: Any, doc: Any) -> None:
        width, height = doc.pageTemplate.pagesize
        canvas.saveState()
        canvas.setFont(REGULAR, 7)
        canvas.setFillColor(MUTED)
        canvas.drawString(MARGIN, 10 * mm, f"{author} · {footer}")
        canvas.drawRightString(width - MARGIN, 10 * mm, _("Page {page}").format(page=doc.page))
        if internal:
            canvas.setFont(BOLD, 8)
            canvas.setFillColor(BAD)
            canvas.drawString(MARGIN, height - 10 * mm, internal)
        canvas.restoreState()

    doc = BaseDocTemplate(
        buffer, pagesize=A4, title=title, author=author, creator="Kezek", invariant=1
    )
    doc.addPageTemplates(
        [
            PageTemplate("portrait", [_frame(A4, "portrait")], onPage=decorate, pagesize=A4),
            PageTemplate(
                "landscape",
                [_frame(landscape(A4), "landscape")],
                onPage=decorate,
                pagesize=landscape(A4),
            ),
        ]
    )
    doc.build(list(story))
    return buffer.getvalue()


def _frame(size: tuple[float, float], name: str) -> Frame:
    return Frame(
        MARGIN,
        18 * mm,
        size[0] - 2 * MARGIN,
        size[1] - 33 * mm,
        id=name,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
