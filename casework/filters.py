import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Unit
from casework.models import Activity, Case, CoerciveMeasure, GreenChannel, MeasureReview
from casework.selectors import awaiting_stage
from enterprises.models import Enterprise
from liaison import access
from liaison.picker import QuickSelectFilters, SearchSelect

DATE = forms.DateInput(attrs={"type": "date"})


class ScopedFilterSet(QuickSelectFilters, django_filters.FilterSet):
    """Choice filters take their rows from the user's scope: an enterprise outside it is not a valid choice."""

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        user = getattr(request, "user", None)
        if "enterprise" in self.filters:
            self.filters["enterprise"].queryset = access.enterprises(user) if user else Enterprise.objects.none()
        for name in ("handling_unit", "unit"):
            if name in self.filters:
                self.filters[name].queryset = access.units(user).exclude(kind=Unit.Kind.BUREAU) if user else Unit.objects.none()
        if "station" in self.filters:
            self.filters["station"].queryset = Unit.objects.filter(pk__in=access.station_ids(user)) if user else Unit.objects.none()


class CaseFilter(ScopedFilterSet):
    q = django_filters.CharFilter(label=_("Number or title"), method="search")
    enterprise = django_filters.ModelChoiceFilter(label=_("Enterprise"), queryset=Enterprise.objects.none(), widget=SearchSelect("pick_enterprises"))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Case.Status.choices)
    case_type = django_filters.ChoiceFilter(label=_("Type"), choices=Case.Type.choices)
    handling_unit = django_filters.ModelChoiceFilter(label=_("Handling unit"), queryset=Unit.objects.none())
    station = django_filters.ModelChoiceFilter(label=_("Police station"), queryset=Unit.objects.none(), field_name="enterprise__station")
    received_after = django_filters.DateFilter(label=_("Received from"), field_name="received_at", lookup_expr="date__gte", widget=DATE)
    received_before = django_filters.DateFilter(label=_("Received until"), field_name="received_at", lookup_expr="date__lte", widget=DATE)

    class Meta:
        model = Case
        fields = ["q", "enterprise", "status", "case_type", "handling_unit", "station", "received_after", "received_before"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        condition = Q(title__icontains=value) | Q(enterprise__name__icontains=value)
        year, _sep, serial = value.partition("-")
        if year.isdigit() and serial.isdigit():
            condition |= Q(year=int(year), serial=int(serial))
        return queryset.filter(condition)


class MeasureFilter(ScopedFilterSet):
    AWAITING = [(str(v), label) for v, label in MeasureReview.Stage.choices]
    status = django_filters.ChoiceFilter(label=_("Status"), choices=CoerciveMeasure.Status.choices)
    awaiting = django_filters.ChoiceFilter(label=_("Awaiting the review of"), choices=AWAITING, method="filter_awaiting")
    kind = django_filters.ChoiceFilter(label=_("Measure"), choices=CoerciveMeasure.Kind.choices)
    enterprise = django_filters.ModelChoiceFilter(
        label=_("Enterprise"), queryset=Enterprise.objects.none(), field_name="case__enterprise", widget=SearchSelect("pick_enterprises")
    )

    class Meta:
        model = CoerciveMeasure
        fields = ["status", "awaiting", "kind", "enterprise"]

    def filter_awaiting(self, queryset, name, value):
        return awaiting_stage(queryset, int(value)) if value else queryset


class GreenChannelFilter(ScopedFilterSet):
    enterprise = django_filters.ModelChoiceFilter(label=_("Enterprise"), queryset=Enterprise.objects.none(), widget=SearchSelect("pick_enterprises"))
    open = django_filters.ChoiceFilter(
        label=_("State"), choices=(("yes", _("Open")), ("no", _("Ended"))), method="filter_open", empty_label=_("All")
    )

    class Meta:
        model = GreenChannel
        fields = ["enterprise", "open"]

    def filter_open(self, queryset, name, value):
        from django.utils import timezone

        today = timezone.localdate()
        is_open = Q(ended_on__isnull=True) | Q(ended_on__gte=today)
        if value == "yes":
            return queryset.filter(is_open)
        if value == "no":
            return queryset.exclude(is_open)
        return queryset


class ActivityFilter(ScopedFilterSet):
    kind = django_filters.ChoiceFilter(label=_("Activity"), choices=Activity.Kind.choices)
    enterprise = django_filters.ModelChoiceFilter(label=_("Enterprise"), queryset=Enterprise.objects.none(), field_name="enterprises",
                                                  widget=SearchSelect("pick_enterprises"))
    unit = django_filters.ModelChoiceFilter(label=_("Unit"), queryset=Unit.objects.none(), field_name="units")
    held_after = django_filters.DateFilter(label=_("From"), field_name="held_on", lookup_expr="gte", widget=DATE)
    held_before = django_filters.DateFilter(label=_("Until"), field_name="held_on", lookup_expr="lte", widget=DATE)
    q = django_filters.CharFilter(label=_("Title or place"), method="search")

    class Meta:
        model = Activity
        fields = ["kind", "enterprise", "unit", "held_after", "held_before", "q"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(title__icontains=value) | Q(place__icontains=value)) if value else queryset
