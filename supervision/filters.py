import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Unit
from liaison import access
from supervision.models import Meeting, MeetingAction, Notice, Referral

YES_NO = (("yes", _("Yes")), ("no", _("No")))
DATE = {"widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class ReferralFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Number, subject or enterprise"), method="search")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Referral.Status.choices)
    raised_by_unit = django_filters.ModelChoiceFilter(label=_("Raised by"), queryset=Unit.objects.none())
    assigned_unit = django_filters.ModelChoiceFilter(label=_("Assigned to"), queryset=Unit.objects.none())
    overdue = django_filters.ChoiceFilter(label=_("Reply overdue"), choices=YES_NO, method="filter_overdue")
    year = django_filters.NumberFilter(label=_("Year"))
    issue = django_filters.NumberFilter(label=_("Ledger item"), field_name="issue_id", widget=forms.HiddenInput)
    enterprise = django_filters.NumberFilter(label=_("Enterprise"), field_name="enterprise_id", widget=forms.HiddenInput)

    class Meta:
        model = Referral
        fields = ["q", "status", "raised_by_unit", "assigned_unit", "overdue", "year", "issue", "enterprise"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        units = access.units(getattr(request, "user", None)).exclude(kind=Unit.Kind.BUREAU)
        self.filters["raised_by_unit"].queryset = units
        self.filters["assigned_unit"].queryset = units

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        condition = Q(title__icontains=value) | Q(enterprise__name__icontains=value)
        digits = "".join(ch for ch in value if ch.isdigit())
        if digits and len(digits) <= 6:
            condition |= Q(serial=int(digits))
        return queryset.filter(condition)

    def filter_overdue(self, queryset, name, value):
        overdue = Q(status=Referral.Status.ASSIGNED, reply_deadline__lt=timezone.localdate())
        if value == "yes":
            return queryset.filter(overdue)
        if value == "no":
            return queryset.exclude(overdue)
        return queryset


class MeetingFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(label=_("Year"))
    q = django_filters.CharFilter(label=_("Words in the minutes"), method="search")

    class Meta:
        model = Meeting
        fields = ["year", "q"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value) | Q(evaluation__icontains=value) | Q(discussion__icontains=value)
            | Q(actions__text__icontains=value)
        ).distinct()


class MeetingActionFilter(django_filters.FilterSet):
    meeting = django_filters.ModelChoiceFilter(label=_("Meeting"), queryset=Meeting.objects.none())
    status = django_filters.ChoiceFilter(label=_("Status"), choices=MeetingAction.Status.choices)
    owner_unit = django_filters.ModelChoiceFilter(label=_("Responsible unit"), queryset=Unit.objects.none())
    overdue = django_filters.ChoiceFilter(label=_("Overdue"), choices=YES_NO, method="filter_overdue")
    issue = django_filters.NumberFilter(label=_("Ledger item"), field_name="issue_id", widget=forms.HiddenInput)

    class Meta:
        model = MeetingAction
        fields = ["meeting", "status", "owner_unit", "overdue", "issue"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        user = getattr(request, "user", None)
        self.filters["meeting"].queryset = access.meetings(user).order_by("-held_at")
        self.filters["owner_unit"].queryset = access.units(user).exclude(kind=Unit.Kind.BUREAU)

    def filter_overdue(self, queryset, name, value):
        overdue = Q(status=MeetingAction.Status.OPEN, deadline__lt=timezone.localdate())
        if value == "yes":
            return queryset.filter(overdue)
        if value == "no":
            return queryset.exclude(overdue)
        return queryset


class NoticeFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Notice.Kind.choices)
    unit = django_filters.ModelChoiceFilter(label=_("Unit"), queryset=Unit.objects.none())
    since = django_filters.DateFilter(label=_("From"), field_name="issued_on", lookup_expr="gte", **DATE)
    until = django_filters.DateFilter(label=_("Until"), field_name="issued_on", lookup_expr="lte", **DATE)

    class Meta:
        model = Notice
        fields = ["kind", "unit", "since", "until"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        self.filters["unit"].queryset = access.units(getattr(request, "user", None)).exclude(kind=Unit.Kind.BUREAU)
