"""List filters. The GET parameter names are a public contract: dashboards elsewhere link with them."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Unit, User
from enterprises.models import Enterprise
from liaison import access
from liaison.picker import QuickSelectFilters, SearchSelect
from visits import deadlines
from visits.models import Issue, IssueRequest, Visit

DATE = forms.DateInput(attrs={"type": "date"})


def _stations(user):
    return Unit.objects.filter(pk__in=access.station_ids(user)) if user else Unit.objects.none()


class VisitFilter(QuickSelectFilters, django_filters.FilterSet):
    enterprise = django_filters.ModelChoiceFilter(label=_("Enterprise"), queryset=Enterprise.objects.none(), widget=SearchSelect("pick_enterprises"))
    station = django_filters.ModelChoiceFilter(
        label=_("Police station"), field_name="enterprise__station", queryset=Unit.objects.none()
    )
    author = django_filters.ModelChoiceFilter(label=_("Recorded by"), queryset=User.objects.none(), widget=SearchSelect("pick_people"))
    channel = django_filters.ChoiceFilter(label=_("Channel"), choices=Visit.Channel.choices)
    since = django_filters.DateFilter(label=_("From"), field_name="visited_at", lookup_expr="date__gte", widget=DATE)
    until = django_filters.DateFilter(label=_("Until"), field_name="visited_at", lookup_expr="date__lte", widget=DATE)

    class Meta:
        model = Visit
        fields = ["enterprise", "station", "author", "channel", "since", "until"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        user = getattr(request, "user", None)
        self.filters["enterprise"].queryset = access.enterprises(user) if user else Enterprise.objects.none()
        self.filters["station"].queryset = _stations(user)
        self.filters["author"].queryset = access.colleagues(user) if user else User.objects.none()


class IssueFilter(QuickSelectFilters, django_filters.FilterSet):
    OPEN = "open"
    SUPERVISION = (("KEY", _("Key supervision")), ("LISTED", _("Listed supervision")), ("any", _("Any supervision")))
    ATTENTION = (
        ("note_due", _("Supervision note missing")),
        ("extension", _("Extension awaiting the office")),
        ("unable", _("“Cannot be handled” awaiting the office")),
        ("followup", _("Dissatisfied: follow up")),
        ("unverified", _("Awaiting verification")),
    )

    q = django_filters.CharFilter(label=_("Number or text"), method="search")
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"), choices=[(OPEN, _("All open")), *Issue.Status.choices], method="filter_status",
        widget=forms.SelectMultiple(attrs={"size": 3}),
    )
    light = django_filters.ChoiceFilter(label=_("Light"), choices=deadlines.LIGHTS, method="filter_light")
    responsible_unit = django_filters.ModelChoiceFilter(
        label=_("Responsible unit"), queryset=Unit.objects.none(), null_label=_("Not assigned")
    )
    owner = django_filters.ModelChoiceFilter(label=_("Owner"), queryset=User.objects.none(), widget=SearchSelect("pick_people"))
    category = django_filters.ChoiceFilter(label=_("Category"), choices=Issue.Category.choices)
    supervision = django_filters.ChoiceFilter(label=_("Supervision"), choices=SUPERVISION, method="filter_supervision")
    station = django_filters.ModelChoiceFilter(
        label=_("Police station"), field_name="enterprise__station", queryset=Unit.objects.none()
    )
    enterprise = django_filters.ModelChoiceFilter(label=_("Enterprise"), queryset=Enterprise.objects.none(), widget=SearchSelect("pick_enterprises"))
    since = django_filters.DateFilter(label=_("Registered from"), field_name="created_at", lookup_expr="date__gte", widget=DATE)
    until = django_filters.DateFilter(label=_("Registered until"), field_name="created_at", lookup_expr="date__lte", widget=DATE)
    attention = django_filters.ChoiceFilter(label=_("Needs attention"), choices=ATTENTION, method="filter_attention")

    class Meta:
        model = Issue
        fields = [
            "q", "status", "light", "responsible_unit", "owner", "category", "supervision", "station", "enterprise",
            "since", "until", "attention",
        ]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        user = getattr(request, "user", None)
        self.filters["responsible_unit"].queryset = access.units(user) if user else Unit.objects.none()
        self.filters["owner"].queryset = access.colleagues(user) if user else User.objects.none()
        self.filters["owner"].field.label_from_instance = lambda u: f"{u.name}（{u.unit}）" if u.unit_id else u.name
        self.filters["station"].queryset = _stations(user)
        self.filters["enterprise"].queryset = access.enterprises(user) if user else Enterprise.objects.none()

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        condition = Q(description__icontains=value) | Q(enterprise__name__icontains=value)
        year, _sep, serial = value.partition("-")
        if year.isdigit() and serial.isdigit():
            condition |= Q(year=int(year), serial=int(serial))
        return queryset.filter(condition)

    def filter_status(self, queryset, name, value):
        if not value:
            return queryset
        states = set(value)
        if self.OPEN in states:
            states.discard(self.OPEN)
            states.update(Issue.OPEN_STATES)
        return queryset.filter(status__in=states)

    def filter_light(self, queryset, name, value):
        return queryset.light(value) if value else queryset

    def filter_supervision(self, queryset, name, value):
        if value == "any":
            return queryset.exclude(supervision="")
        return queryset.filter(supervision=value) if value else queryset

    def filter_attention(self, queryset, name, value):
        pending = IssueRequest.objects.filter(status=IssueRequest.Status.PENDING)
        if value == "note_due":
            return queryset.note_due()
        if value == "extension":
            return queryset.filter(pk__in=pending.filter(kind=IssueRequest.Kind.EXTENSION).values("issue_id"))
        if value == "unable":
            return queryset.filter(pk__in=pending.filter(kind=IssueRequest.Kind.UNABLE).values("issue_id"))
        if value == "followup":
            return queryset.filter(needs_followup=True)
        if value == "unverified":
            return queryset.filter(status=Issue.Status.RESOLVED)
        return queryset
