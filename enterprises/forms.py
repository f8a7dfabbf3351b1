from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Unit, User
from enterprises.models import Assignment, Attachment, Enterprise, Plan, PlanTask
from enterprises.services import MAX_TASK_WORKDAYS
from liaison import access, creditcode
from liaison.forms import LiaisonForm, LiaisonModelForm
from liaison.picker import searchable, searchable_multiple
from visits.models import Issue, Visit


class EnterpriseForm(LiaisonModelForm):
    class Meta:
        model = Enterprise
        fields = [
            "name", "credit_code", "credit_code_override", "station", "industry", "address", "legal_representative",
            "contact_name", "contact_position", "contact_phone", "employees", "is_key",
            "has_explosives", "has_hazardous_chemicals", "has_fuel", "has_fireworks", "storage_capacity", "storage_unit",
            "contact_every_days", "visit_every_days", "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3}), "address": forms.TextInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = access.units(self.user).filter(kind=Unit.Kind.STATION)
        self.may_override = access.can(self.user, "enterprises.override_credit_code")
        if not self.may_override:
            del self.fields["credit_code_override"]
        self.credit_code_warning = False

    def clean_credit_code(self):
        code = creditcode.normalise(self.cleaned_data.get("credit_code", ""))
        if not creditcode.is_well_formed(code):
            raise forms.ValidationError(
                _("A credit code has 18 characters: digits and capital letters except I, O, S, V, Z.")
            )
        return code

    def clean(self):
        cleaned = super().clean()
        code = cleaned.get("credit_code")
        if code and not creditcode.is_valid(code):
            self.credit_code_warning = True
            if not cleaned.get("credit_code_override"):
                message = _("The check character does not match (GB 32100); please check the code.")
                if self.may_override:
                    message = _(
                        "The check character does not match (GB 32100). If the code is right (older codes sometimes "
                        "fail), give the reason in the field below to accept it."
                    )
                self.add_error("credit_code", message)
        elif code and self.may_override:
            # A valid code needs no override; do not keep a stale reason.
            cleaned["credit_code_override"] = ""
            self.instance.credit_code_override = ""
        return cleaned


class EnterpriseContactForm(LiaisonModelForm):
    class Meta:
        model = Enterprise
        fields = ["contact_name", "contact_position", "contact_phone", "legal_representative", "address"]


class AssignmentForm(LiaisonForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=Assignment.Kind.choices)
    officer = forms.ModelChoiceField(label=_("Officer or leader"), queryset=User.objects.none(), required=False)
    team = forms.ModelChoiceField(label=_("Team"), queryset=Unit.objects.none(), required=False)
    started_on = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = access.colleagues(self.user).filter(
            role__in=[User.Role.OFFICER, User.Role.LEADER]
        )
        self.fields["officer"].label_from_instance = lambda u: f"{u.name}（{u.unit or u.get_role_display()}）"
        searchable(self.fields["officer"], "pick_people")
        self.fields["team"].queryset = access.units(self.user).filter(kind=Unit.Kind.TEAM)

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind == Assignment.Kind.TEAM:
            if not cleaned.get("team"):
                self.add_error("team", _("Choose the team."))
            cleaned["officer"] = None
        elif kind:
            officer = cleaned.get("officer")
            if not officer:
                self.add_error("officer", _("Choose the officer or leader."))
            elif kind == Assignment.Kind.OFFICER and officer.role != User.Role.OFFICER:
                self.add_error("officer", _("Choose a community officer."))
            elif kind == Assignment.Kind.LEADER and officer.role != User.Role.LEADER:
                self.add_error("officer", _("Choose a bureau leader."))
            cleaned["team"] = None
        return cleaned


class AssignmentEndForm(LiaisonForm):
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


# ---------------------------------------------------------------- plans, tasks, attachments

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def officer_label(user):
    return f"{user.name}（{user.unit or user.get_role_display()}）"


class PlanForm(LiaisonModelForm):
    class Meta:
        model = Plan
        fields = ["title", "situation", "risks", "needs", "goals", "measures", "responsible_officers", "review_on"]
        widgets = {
            "situation": forms.Textarea(attrs={"rows": 3}),
            "risks": forms.Textarea(attrs={"rows": 3}),
            "needs": forms.Textarea(attrs={"rows": 3}),
            "goals": forms.Textarea(attrs={"rows": 3}),
            "measures": forms.Textarea(attrs={"rows": 4}),
            "responsible_officers": forms.SelectMultiple(attrs={"size": 6}),
            "review_on": DATE_INPUT,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        officers = self.fields["responsible_officers"]
        officers.queryset = access.colleagues(self.user).order_by("unit__name", "name")
        officers.label_from_instance = officer_label
        officers.help_text = _("Hold Ctrl (or Cmd) to choose several.")
        searchable_multiple(officers, "pick_people")

    def clean_review_on(self):
        review_on = self.cleaned_data["review_on"]
        if review_on <= timezone.localdate():
            raise forms.ValidationError(_("The review date must be in the future."))
        return review_on


class PlanApproveForm(LiaisonForm):
    note = forms.CharField(label=_("Leader's instruction"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PlanCloseForm(LiaisonForm):
    reason = forms.CharField(label=_("Reason for closing"), max_length=300)


class PlanTaskForm(LiaisonModelForm):
    class Meta:
        model = PlanTask
        fields = ["title", "description", "owner", "starts_on", "workdays"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2}), "starts_on": DATE_INPUT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = access.colleagues(self.user).order_by("unit__name", "name")
        searchable(self.fields["owner"], "pick_people")
        self.fields["owner"].label_from_instance = officer_label
        self.fields["workdays"].min_value = 1
        self.fields["workdays"].widget.attrs.update(min=1, max=MAX_TASK_WORKDAYS)

    def clean_workdays(self):
        value = self.cleaned_data["workdays"]
        if value is None or value < 1:
            raise forms.ValidationError(_("Give at least one working day."))
        if value > MAX_TASK_WORKDAYS:
            raise forms.ValidationError(_("At most %(n)d working days (about a year).") % {"n": MAX_TASK_WORKDAYS})
        return value


class TaskCompleteForm(LiaisonForm):
    completion_note = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 2}))


class AttachmentForm(LiaisonForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=Attachment.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    document_date = forms.DateField(label=_("Date of the document"), required=False, widget=DATE_INPUT)
    file = forms.FileField(
        label=_("File"), help_text=_("PDF, JPEG or PNG, at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )
    visit = forms.ModelChoiceField(label=_("From the visit"), queryset=Visit.objects.none(), required=False)
    issue = forms.ModelChoiceField(label=_("About the ledger item"), queryset=Issue.objects.none(), required=False)

    def __init__(self, *args, enterprise=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.enterprise = enterprise
        self.fields["visit"].queryset = access.visits(self.user).filter(enterprise=enterprise).order_by("-visited_at")
        self.fields["visit"].label_from_instance = lambda v: f"{timezone.localtime(v.visited_at):%Y-%m-%d %H:%M} {v.get_channel_display()}"
        self.fields["issue"].queryset = access.issues(self.user).filter(enterprise=enterprise).order_by("-year", "-serial")
        self.fields["issue"].label_from_instance = lambda i: f"{i.number} {i.description[:40]}"


class AttachmentRemoveForm(LiaisonForm):
    reason = forms.CharField(label=_("Reason"), max_length=200)
