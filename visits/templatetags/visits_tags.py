from django import template
from django.utils.html import format_html

from visits.tables import LIGHT_LABELS

register = template.Library()

STATUS_STYLES = {
    "REGISTERED": "secondary",
    "ASSIGNED": "info",
    "ACCEPTED": "primary",
    "IN_PROGRESS": "primary",
    "RESOLVED": "success",
    "CLOSED": "dark",
    "RETURNED": "warning",
    "TRANSFERRED": "secondary",
    "UNABLE": "secondary",
}


@register.filter
def light_badge(light):
    """A coloured badge for a ledger light (green / yellow / red); nothing when the clock does not run."""
    if not light:
        return ""
    return format_html('<span class="badge badge-light-{}" data-light="{}">{}</span>', light, light, LIGHT_LABELS[light])


@register.filter
def status_badge(issue):
    return format_html(
        '<span class="badge text-bg-{}" data-status="{}">{}</span>',
        STATUS_STYLES.get(issue.status, "secondary"), issue.status, issue.get_status_display(),
    )


@register.filter
def status_label(value):
    from visits.models import Issue

    try:
        return Issue.Status(value).label
    except ValueError:
        return value
