from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Unit, User
from enterprises.models import Assignment, Enterprise
from liaison import access, creditcode
from liaison.forms import LiaisonForm, LiaisonModelForm


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
