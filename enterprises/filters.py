import django_filters
from django import forms
from django.db import connection
from django.db.models import Exists, F, Func, OuterRef, Q, TextField
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Unit
from enterprises.models import Assignment, Enterprise, Plan, PlanTask
from liaison import access, creditcode
from liaison.picker import QuickSelect


class EnterpriseFilter(django_filters.FilterSet):
    HAZARDS = (
        ("any", _("Any hazardous goods")),
        ("explosives", _("Explosives")),
        ("chemicals", _("Hazardous chemicals")),
        ("fuel", _("Fuel or gas")),
        ("fireworks", _("Fireworks")),
    )
    q = django_filters.CharFilter(label=_("Name or credit code"), method="search")
    station = django_filters.ModelChoiceFilter(label=_("Police station"), queryset=Unit.objects.none(), widget=QuickSelect)
    industry = django_filters.ChoiceFilter(label=_("Industry"), choices=Enterprise.Industry.choices, widget=QuickSelect)
    is_key = django_filters.BooleanFilter(label=_("Key enterprise"), widget=QuickSelect(choices=[("", "---------"), ("true", _("Yes")), ("false", _("No"))]))
    hazard = django_filters.ChoiceFilter(label=_("Hazardous goods"), choices=HAZARDS, method="filter_hazard", widget=QuickSelect)
    assigned = django_filters.ChoiceFilter(
        label=_("Community officer"),
        choices=(("yes", _("Assigned")), ("no", _("Not assigned"))),
        method="filter_assigned",
        widget=QuickSelect,
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Enterprise.Status.choices, empty_label=_("All"), widget=QuickSelect
    )

    class Meta:
        model = Enterprise
        fields = ["q", "station", "industry", "is_key", "hazard", "assigned", "status"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        user = getattr(request, "user", None)
        self.filters["station"].queryset = Unit.objects.filter(
            pk__in=access.station_ids(user)
        ) if user else Unit.objects.none()

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        upper = value.upper()
        # A term with a character no credit code has (any Chinese one) cannot be a code prefix: leaving that
        # condition out keeps the name's index the only one the database needs.
        code = Q(credit_code__startswith=upper) if all(c in creditcode.ALPHABET for c in upper) else None
        if len(value) <= 2 and code is None and connection.vendor == "postgresql":
            # One or two characters have no trigram: the index of the name's characters and character pairs
            # (liaison migration 0002) answers them, with exactly the rows icontains would find.
            from django.contrib.postgres.fields import ArrayField

            grams = Func(F("name"), function="liaison_short_grams", output_field=ArrayField(TextField()))
            return queryset.alias(name_grams=grams).filter(name_grams__contains=[upper])
        condition = Q(name__icontains=value)
        return queryset.filter(condition | code if code is not None else condition)

    def filter_hazard(self, queryset, name, value):
        fields = {
            "explosives": Q(has_explosives=True),
            "chemicals": Q(has_hazardous_chemicals=True),
            "fuel": Q(has_fuel=True),
            "fireworks": Q(has_fireworks=True),
        }
        if value == "any":
            condition = Q()
            for q in fields.values():
                condition |= q
            return queryset.filter(condition)
        return queryset.filter(fields[value]) if value in fields else queryset

    def filter_assigned(self, queryset, name, value):
        current = Assignment.objects.filter(enterprise=OuterRef("pk"), kind=Assignment.Kind.OFFICER, ended_on__isnull=True)
        if value == "yes":
            return queryset.filter(Exists(current))
        if value == "no":
            return queryset.filter(~Exists(current))
        return queryset


class PlanFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Enterprise or title"), method="search")
    station = django_filters.ModelChoiceFilter(label=_("Police station"), field_name="enterprise__station", queryset=Unit.objects.none())
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Plan.Status.choices, empty_label=_("All"))
    review = django_filters.ChoiceFilter(
        label=_("Review"), choices=(("due", _("Past its review date")),), method="filter_review", empty_label=_("All")
    )

    class Meta:
        model = Plan
        fields = ["q", "station", "status", "review"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        user = getattr(request, "user", None)
        self.filters["station"].queryset = Unit.objects.filter(pk__in=access.station_ids(user)) if user else Unit.objects.none()

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(enterprise__name__icontains=value) | Q(title__icontains=value))

    def filter_review(self, queryset, name, value):
        if value == "due":
            return queryset.filter(status=Plan.Status.APPROVED, review_on__lt=timezone.localdate())
        return queryset


class PlanTaskFilter(django_filters.FilterSet):
    STATES = (("open", _("Open")), ("overdue", _("Overdue")), ("done", _("Done")))
    q = django_filters.CharFilter(label=_("Task or enterprise"), method="search")
    state = django_filters.ChoiceFilter(label=_("State"), choices=STATES, method="filter_state", empty_label=_("All"))
    mine = django_filters.BooleanFilter(
        label=_("My tasks"), method="filter_mine",
        widget=forms.Select(choices=[("", "---------"), ("true", _("Yes")), ("false", _("No"))]),
    )
    station = django_filters.ModelChoiceFilter(
        label=_("Police station"), field_name="plan__enterprise__station", queryset=Unit.objects.none()
    )

    class Meta:
        model = PlanTask
        fields = ["q", "state", "mine", "station"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        self.user = getattr(request, "user", None)
        self.filters["station"].queryset = (
            Unit.objects.filter(pk__in=access.station_ids(self.user)) if self.user else Unit.objects.none()
        )

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(plan__enterprise__name__icontains=value))

    def filter_state(self, queryset, name, value):
        today = timezone.localdate()
        if value == "open":
            return queryset.filter(done_at__isnull=True)
        if value == "overdue":
            return queryset.filter(done_at__isnull=True, deadline__lt=today, plan__status=Plan.Status.APPROVED)
        if value == "done":
            return queryset.filter(done_at__isnull=False)
        return queryset

    def filter_mine(self, queryset, name, value):
        if value is True and self.user is not None:
            return queryset.filter(owner=self.user)
        if value is False and self.user is not None:
            return queryset.exclude(owner=self.user)
        return queryset
