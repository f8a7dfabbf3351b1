import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Unit
from enterprises.models import Enterprise, PlanTask
from liaison import access
from liaison.forms import LiaisonForm, LiaisonModelForm
from liaison.picker import open_plan_tasks, plan_task_label, searchable, searchable_multiple
from supervision.models import Meeting, MeetingAction, Notice, Referral
from supervision.services import MAX_REPLY_WORKDAYS
from visits.models import Issue

ISSUE_NUMBER = re.compile(r"^\s*(\d{4})\s*[-－—]\s*(\d{1,6})\s*$")
DEFAULT_ADDRESSEE = "市公安局护航经济发展专班办公室"


def person_label(user):
    return f"{user.name}（{user.unit or user.get_role_display()}）"


class IssueNumberField(forms.CharField):
    """A ledger item by its number (2026-0042), looked up in what the user may see."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("help_text", _("The ledger item's number, e.g. 2026-0042."))
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("placeholder", "2026-0042")
        self.queryset = Issue.objects.none()

    def prepare_value(self, value):
        if isinstance(value, Issue):
            return value.number
        if isinstance(value, int):
            issue = Issue.objects.filter(pk=value).only("year", "serial").first()
            return issue.number if issue else ""
        return value

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        match = ISSUE_NUMBER.match(value)
        if not match:
            raise forms.ValidationError(_("Write the ledger item's number as year-serial, e.g. 2026-0042."))
        issue = self.queryset.filter(year=int(match[1]), serial=int(match[2])).select_related("enterprise").first()
        if issue is None:
            raise forms.ValidationError(_("There is no ledger item %(number)s that you can see.") % {"number": value.strip()})
        return issue


class IssueNumbersField(IssueNumberField):
    """Several ledger items, separated by commas or spaces."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 500)
        kwargs.setdefault("help_text", _("Numbers of the ledger items, separated by commas, e.g. 2026-0042, 2026-0043."))
        super().__init__(*args, **kwargs)
        self.widget.attrs["placeholder"] = "2026-0042, 2026-0043"

    def prepare_value(self, value):
        if isinstance(value, (list, tuple)) or hasattr(value, "all"):
            items = value.all() if hasattr(value, "all") else value
            return ", ".join(i.number for i in items)
        return value

    def clean(self, value):
        value = forms.CharField.clean(self, value)
        issues = []
        for part in re.split(r"[,，;；\s]+(?=\d{4}\s*[-－—])", value or ""):
            part = part.strip(" ,，;；")
            if not part:
                continue
            issue = IssueNumberField.clean(self, part)
            if issue not in issues:
                issues.append(issue)
        return issues


class ReferralForm(LiaisonModelForm):
    issue = IssueNumberField(label=_("Ledger item"), required=False)

    class Meta:
        model = Referral
        fields = ["issue", "enterprise", "title", "requested_of", "request"]
        widgets = {"request": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issue"].queryset = access.issues(self.user)
        self.fields["enterprise"].queryset = access.enterprises(self.user).filter(status=Enterprise.Status.ACTIVE)
        searchable(self.fields["enterprise"], "pick_enterprises", active=1)
        self.fields["enterprise"].required = False
        self.fields["enterprise"].help_text = _("Not needed when the ledger item is given.")
        self.fields["requested_of"].widget.attrs["list"] = "requested-of-choices"

    def clean(self):
        cleaned = super().clean()
        issue, enterprise = cleaned.get("issue"), cleaned.get("enterprise")
        if issue is not None:
            if enterprise is not None and enterprise.pk != issue.enterprise_id:
                self.add_error("enterprise", _("The ledger item belongs to another enterprise."))
            cleaned["enterprise"] = issue.enterprise
            self.instance.enterprise = issue.enterprise
        elif enterprise is None and not self.has_error("issue"):
            self.add_error("enterprise", _("Name the enterprise or the ledger item the referral is about."))
        return cleaned


class ReturnForm(LiaisonForm):
    reason = forms.CharField(label=_("Why it is sent back"), widget=forms.Textarea(attrs={"rows": 2}))


class ReportForm(LiaisonForm):
    report_addressee = forms.CharField(label=_("Addressed to"), max_length=100, initial=DEFAULT_ADDRESSEE)
    report_body = forms.CharField(label=_("Text of the report"), widget=forms.Textarea(attrs={"rows": 8}))
    report_cc = forms.CharField(label=_("Copy to"), max_length=200, required=False)
    report_signer = forms.CharField(label=_("Signed off by"), max_length=50, required=False)
    reported_at = forms.DateTimeField(
        label=_("Sent at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        referral = self.instance_for
        if referral is not None and not self.is_bound:
            self.initial.setdefault("report_body", default_report_body(referral))
            self.initial.setdefault("reported_at", timezone.localtime().replace(second=0, microsecond=0))


def default_report_body(referral: Referral) -> str:
    enterprise = referral.enterprise
    lines = [
        f"{referral.raised_by_unit}在护航经济发展专项行动走访中了解到，{enterprise.name}"
        f"（统一社会信用代码：{enterprise.credit_code}，地址：{enterprise.address}）反映如下情况：",
        referral.request.strip(),
    ]
    if referral.issue_id:
        lines.append(f"该问题已录入问题梳理整改台账（编号：{referral.issue.number}）。")
    lines.append(f"上述事项需{referral.requested_of}协助解决，现将有关情况报告如下，恳请协调。")
    return "\n".join(lines)


class InstructForm(LiaisonForm):
    instruction = forms.CharField(
        label=_("Instruction (verbatim)"), widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Record the leader's instruction word for word."),
    )


class AssignForm(LiaisonForm):
    assigned_unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False)
    assigned_officer = forms.ModelChoiceField(label=_("Officer"), queryset=Unit.objects.none(), required=False)
    reply_workdays = forms.IntegerField(
        label=_("Reply within (working days)"), min_value=1, max_value=MAX_REPLY_WORKDAYS, initial=5
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned_unit"].queryset = access.units(self.user).exclude(kind=Unit.Kind.BUREAU)
        self.fields["assigned_officer"].queryset = access.colleagues(self.user)
        searchable(self.fields["assigned_officer"], "pick_people")
        self.fields["assigned_officer"].label_from_instance = person_label

    def clean(self):
        cleaned = super().clean()
        unit, officer = cleaned.get("assigned_unit"), cleaned.get("assigned_officer")
        if unit is None and officer is None:
            self.add_error("assigned_unit", _("Choose the unit (or the officer) to act on it."))
        elif unit is not None and officer is not None and officer.unit_id != unit.pk:
            self.add_error("assigned_officer", _("The officer does not belong to that unit."))
        return cleaned


class ReplyForm(LiaisonForm):
    reply = forms.CharField(label=_("Reply"), widget=forms.Textarea(attrs={"rows": 4}))


class MeetingForm(LiaisonModelForm):
    held_at = forms.DateTimeField(
        label=_("Held at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )

    class Meta:
        model = Meeting
        fields = ["title", "held_at", "place", "chair", "attendees", "other_attendees", "evaluation", "discussion"]
        widgets = {
            "attendees": forms.CheckboxSelectMultiple,
            "evaluation": forms.Textarea(attrs={"rows": 5}),
            "discussion": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        people = access.colleagues(self.user).order_by("unit__kind", "unit__name", "name")
        self.fields["chair"].queryset = people
        self.fields["chair"].label_from_instance = person_label
        searchable(self.fields["chair"], "pick_people")
        self.fields["attendees"].queryset = people
        self.fields["attendees"].label_from_instance = person_label
        searchable_multiple(self.fields["attendees"], "pick_people")

    def clean_held_at(self):
        held_at = self.cleaned_data["held_at"]
        if held_at > timezone.now() + timezone.timedelta(days=60):
            raise forms.ValidationError(_("Record a meeting once it is scheduled within the next two months."))
        return held_at


class MeetingActionForm(LiaisonModelForm):
    issue = IssueNumberField(label=_("Ledger item"), required=False)

    class Meta:
        model = MeetingAction
        fields = ["text", "owner_unit", "owner", "deadline", "issue", "plan_task"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3}), "deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_unit"].queryset = access.units(self.user).exclude(kind=Unit.Kind.BUREAU)
        self.fields["owner_unit"].required = False
        self.fields["owner"].queryset = access.colleagues(self.user)
        self.fields["owner"].label_from_instance = person_label
        searchable(self.fields["owner"], "pick_people")
        self.fields["issue"].queryset = access.issues(self.user)
        # Open tasks of approved plans the user may see: a decision may push a plan's task along.
        self.fields["plan_task"].queryset = open_plan_tasks(access.scope(self.user, PlanTask))
        self.fields["plan_task"].label_from_instance = plan_task_label
        searchable(self.fields["plan_task"], "pick_plan_tasks")

    def clean(self):
        cleaned = super().clean()
        unit, owner = cleaned.get("owner_unit"), cleaned.get("owner")
        if unit is None and owner is None:
            self.add_error("owner_unit", _("Name the responsible unit or officer."))
        elif unit is None:
            cleaned["owner_unit"] = owner.unit
            self.instance.owner_unit = owner.unit
        elif owner is not None and owner.unit_id != unit.pk:
            self.add_error("owner", _("The officer does not belong to the responsible unit."))
        return cleaned


class CloseActionForm(LiaisonForm):
    result = forms.CharField(label=_("Result"), widget=forms.Textarea(attrs={"rows": 2}))


class NoticeForm(LiaisonModelForm):
    issues = IssueNumbersField(label=_("Ledger items"), required=False)

    class Meta:
        model = Notice
        fields = ["kind", "title", "unit", "officer", "issued_on", "reason", "issues", "meetings"]
        widgets = {
            "reason": forms.Textarea(attrs={"rows": 4}),
            "issued_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "meetings": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = access.units(self.user).filter(kind__in=(Unit.Kind.STATION, Unit.Kind.TEAM, Unit.Kind.OFFICE))
        self.fields["unit"].required = False
        self.fields["officer"].queryset = access.colleagues(self.user)
        searchable(self.fields["officer"], "pick_people")
        self.fields["officer"].label_from_instance = person_label
        self.fields["issues"].queryset = access.issues(self.user)
        self.fields["meetings"].queryset = access.meetings(self.user).order_by("-held_at")
        if not self.instance.pk:
            self.initial.setdefault("issued_on", timezone.localdate())

    def clean_issued_on(self):
        issued_on = self.cleaned_data["issued_on"]
        if issued_on > timezone.localdate():
            raise forms.ValidationError(_("A notice cannot be dated in the future."))
        return issued_on

    def clean(self):
        cleaned = super().clean()
        unit, officer = cleaned.get("unit"), cleaned.get("officer")
        if unit is None and officer is None:
            self.add_error("unit", _("Name the unit or the officer."))
        elif unit is None:
            cleaned["unit"] = officer.unit
            self.instance.unit = officer.unit
        elif officer is not None and officer.unit_id != unit.pk:
            self.add_error("officer", _("The officer does not belong to that unit."))
        return cleaned
