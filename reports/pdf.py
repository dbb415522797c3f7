"""The report as a PDF (WeasyPrint): A4, cover, contents, page numbers and the as-of date on
every page (CSS @page), charts as inline SVG, the CJK font embedded (subset) by WeasyPrint.

Only summaries are printed; lists of people go to the workbook (reports/xlsx.py).
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from .charts_report import report_charts
from .figures import headline_metrics


def pdf_context(figures: dict) -> dict:
    return {
        "f": figures,
        "charts": report_charts(figures),
        "metrics": headline_metrics(figures),
        "generated_at": timezone.localtime(),
    }


def render_pdf(figures: dict) -> bytes:
    from weasyprint import HTML

    html = render_to_string("reports/pdf/report.html", pdf_context(figures))
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
