import django_filters
from auditlog.models import LogEntry
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _

from accounts.models import AuthEvent, User

DATE = forms.DateInput(attrs={"type": "date"})


class LogEntryFilter(django_filters.FilterSet):
    actor = django_filters.ModelChoiceFilter(label=_("User"), queryset=User.objects.order_by("name"))
    since = django_filters.DateFilter(label=_("From"), field_name="timestamp", lookup_expr="date__gte", widget=DATE)
    until = django_filters.DateFilter(label=_("Until"), field_name="timestamp", lookup_expr="date__lte", widget=DATE)
    content_type = django_filters.ModelChoiceFilter(
        label=_("Kind of record"),
        queryset=ContentType.objects.filter(app_label__in=["accounts", "enterprises", "visits", "supervision", "casework", "reports", "liaison"]).order_by("app_label", "model"),
    )
    object = django_filters.CharFilter(label=_("Record"), method="filter_object")
    action = django_filters.ChoiceFilter(label=_("Action"), choices=LogEntry.Action.choices)

    class Meta:
        model = LogEntry
        fields = ["actor", "since", "until", "content_type", "object", "action"]

    def filter_object(self, queryset, name, value):
        value = value.strip()
        if value.isdigit():
            return queryset.filter(object_pk=value)
        return queryset.filter(object_repr__icontains=value)


class AuthEventFilter(django_filters.FilterSet):
    username = django_filters.CharFilter(label=_("Username"), lookup_expr="iexact")
    kind = django_filters.ChoiceFilter(label=_("Event"), choices=AuthEvent.Kind.choices)
    since = django_filters.DateFilter(label=_("From"), field_name="at", lookup_expr="date__gte", widget=DATE)
    until = django_filters.DateFilter(label=_("Until"), field_name="at", lookup_expr="date__lte", widget=DATE)

    class Meta:
        model = AuthEvent
        fields = ["username", "kind", "since", "until"]
