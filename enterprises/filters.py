import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Unit
from enterprises.models import Assignment, Enterprise
from liaison import access


class EnterpriseFilter(django_filters.FilterSet):
    HAZARDS = (
        ("any", _("Any hazardous goods")),
        ("explosives", _("Explosives")),
        ("chemicals", _("Hazardous chemicals")),
        ("fuel", _("Fuel or gas")),
        ("fireworks", _("Fireworks")),
    )
    q = django_filters.CharFilter(label=_("Name or credit code"), method="search")
    station = django_filters.ModelChoiceFilter(label=_("Police station"), queryset=Unit.objects.none())
    industry = django_filters.ChoiceFilter(label=_("Industry"), choices=Enterprise.Industry.choices)
    is_key = django_filters.BooleanFilter(label=_("Key enterprise"), widget=forms.Select(choices=[("", "---------"), ("true", _("Yes")), ("false", _("No"))]))
    hazard = django_filters.ChoiceFilter(label=_("Hazardous goods"), choices=HAZARDS, method="filter_hazard")
    assigned = django_filters.ChoiceFilter(
        label=_("Community officer"),
        choices=(("yes", _("Assigned")), ("no", _("Not assigned"))),
        method="filter_assigned",
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Enterprise.Status.choices, empty_label=_("All"))

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
        return queryset.filter(Q(name__icontains=value) | Q(credit_code__startswith=value.upper()))

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
