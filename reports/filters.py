import django_filters
from django import forms
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Unit
from enterprises.models import Enterprise
from supervision.figures import Period
from supervision.scoreboard import SubqueryCount
from visits.models import Visit

DATE = {"widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class CoverageFilter(django_filters.FilterSet):
    """Active enterprises and their visits in a period: which were visited, which were not."""

    since = django_filters.DateFilter(label=_("From"), method="keep", **DATE)
    until = django_filters.DateFilter(label=_("Until"), method="keep", **DATE)
    visited = django_filters.ChoiceFilter(
        label=_("Visited in the period"), choices=(("yes", _("Visited")), ("no", _("Not visited"))), method="keep"
    )
    station = django_filters.ModelChoiceFilter(label=_("Police station"), queryset=Unit.objects.none())
    is_key = django_filters.BooleanFilter(
        label=_("Key enterprise"), widget=forms.Select(choices=[("", "---------"), ("true", _("Yes")), ("false", _("No"))])
    )

    class Meta:
        model = Enterprise
        fields = ["since", "until", "visited", "station", "is_key"]

    def __init__(self, data=None, *args, queryset=None, request=None, **kwargs):
        super().__init__(data, *args, queryset=queryset, request=request, **kwargs)
        # Any station of an enterprise the user sees (a team may also see enterprises assigned to it elsewhere).
        self.filters["station"].queryset = Unit.objects.filter(
            kind=Unit.Kind.STATION, pk__in=self.queryset.values("station_id")
        ) if self.queryset is not None else Unit.objects.none()

    def keep(self, queryset, name, value):
        return queryset  # applied together in filter_queryset: they depend on one another

    @property
    def period(self) -> Period:
        today = timezone.localdate()
        data = self.form.cleaned_data if self.is_bound and self.form.is_valid() else {}
        since = data.get("since") or today.replace(day=1)
        until = data.get("until") or today
        return Period(since, max(since, until))

    @property
    def qs(self):
        # The period applies whether or not the query string named one (an unbound filter has a default period).
        if not hasattr(self, "_period_qs"):
            queryset = super().qs.filter(status=Enterprise.Status.ACTIVE)
            period = self.period
            in_period = Visit.objects.filter(period.instants("visited_at"), enterprise_id=OuterRef("pk"))
            queryset = queryset.annotate(period_visits=SubqueryCount(in_period))
            visited = self.form.cleaned_data.get("visited") if self.is_bound and self.form.is_valid() else None
            if visited == "yes":
                queryset = queryset.filter(Exists(in_period))
            elif visited == "no":
                queryset = queryset.filter(~Exists(in_period))
            self._period_qs = queryset
        return self._period_qs
