from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Case, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Unit, User
from enterprises.models import Enterprise
from liaison import access
from liaison.forms import LiaisonForm, LiaisonFormMixin, LiaisonModelForm
from liaison.picker import QuickSelect, searchable, searchable_multiple
from liaison.uploads import clean_image
from visits import deadlines, services
from visits.models import Issue, Visit

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Any number of JPEG/PNG photos (by content, at most 10 MB each), cleaned into re-encoded `services.Photo`s.

    One bad file refuses the batch with a message naming it; the rest of the form keeps what was typed.
    """

    widget = MultipleFileInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Photos"))
        kwargs.setdefault("help_text", _("JPEG or PNG, at most 10 MB each; location data is removed."))
        super().__init__(*args, **kwargs)
        self.widget.attrs.update({"accept": "image/jpeg,image/png", "multiple": True})

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, (list, tuple)) else [data]) if f]
        if not files:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        if len(files) > services.MAX_PHOTOS:
            raise ValidationError(_("At most %(n)d photos at a time.") % {"n": services.MAX_PHOTOS})
        photos, errors = [], []
        for upload in files:
            upload = super().clean(upload, initial)
            try:
                image, thumbnail = clean_image(upload)
            except ValidationError as error:
                errors.extend(error.messages)
                continue
            photos.append(services.Photo(image=image, thumbnail=thumbnail))
        if errors:
            errors.append(_("Nothing else was lost: choose the photos again (a browser cannot keep them)."))
            raise ValidationError(errors)
        return photos


def officer_label(user):
    return f"{user.name}（{user.unit}）" if user.unit_id else user.name


class VisitForm(LiaisonModelForm):
    photos = PhotosField()

    class Meta:
        model = Visit
        fields = [
            "enterprise", "visited_at", "channel", "officers", "received_by", "received_by_position",
            "observations", "opinions", "letter_delivered", "commitment_signed", "legal_consultation",
            "security_guidance", "registration_service", "people_served",
        ]
        widgets = {
            "visited_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
            "channel": forms.RadioSelect,
            "observations": forms.Textarea(attrs={"rows": 3}),
            "opinions": forms.Textarea(attrs={"rows": 2}),
            "officers": forms.SelectMultiple(attrs={"size": 4}),
            "people_served": forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "enterprise" in self.fields:
            self.fields["enterprise"].queryset = access.enterprises(self.user).filter(status=Enterprise.Status.ACTIVE)
            searchable(self.fields["enterprise"], "pick_enterprises", active=1)
        self.fields["visited_at"].input_formats = [DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
        if not self.instance.pk and not self.is_bound:
            self.initial.setdefault("visited_at", timezone.localtime().replace(second=0, microsecond=0))
        officers = self.fields["officers"]
        # Colleagues of the user's own unit first, then the others by unit.
        own_unit = Case(When(unit_id=getattr(self.user, "unit_id", None), then=Value(0)), default=Value(1))
        officers.queryset = (
            access.colleagues(self.user)
            .exclude(pk=getattr(self.user, "pk", None))
            .filter(role__in=[User.Role.OFFICER, User.Role.TEAM, User.Role.LEADER])
            .order_by(own_unit, "unit__kind", "unit__name", "name")
        )
        officers.label_from_instance = officer_label
        officers.required = False
        officers.help_text = _("Besides you. On a computer hold Ctrl to choose several.")
        searchable_multiple(officers, "pick_people")
        self.fields["people_served"].required = False

    def clean_people_served(self):
        return self.cleaned_data.get("people_served") or 0

    def visit_fields(self) -> dict:
        data = self.cleaned_data
        return {name: data[name] for name in services.VISIT_EDITABLE if name in data}


class VisitEditForm(VisitForm):
    class Meta(VisitForm.Meta):
        fields = [f for f in VisitForm.Meta.fields if f != "enterprise"]


class ProblemForm(LiaisonFormMixin, forms.Form):
    """One problem raised on the visit: it becomes a ledger item."""

    category = forms.ChoiceField(label=_("Category"), choices=[("", "---------"), *Issue.Category.choices], required=False)
    description = forms.CharField(
        label=_("Problem"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    take_on = forms.BooleanField(
        label=_("I will handle it myself"), required=False,
        help_text=_("Otherwise the programme office assigns it."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not access.can(self.user, "visits.issue_take_on"):
            del self.fields["take_on"]

    def clean(self):
        cleaned = super().clean()
        description = (cleaned.get("description") or "").strip()
        category = cleaned.get("category")
        if description and not category:
            self.add_error("category", _("Choose the category of this problem."))
        if category and not description:
            self.add_error("description", _("Describe the problem."))
        cleaned["description"] = description
        return cleaned

    def problem(self):
        data = self.cleaned_data
        if not data.get("description"):
            return None
        return services.Problem(category=data["category"], description=data["description"], take_on=bool(data.get("take_on")))


class BaseProblemFormSet(forms.BaseFormSet):
    def problems(self):
        return [p for p in (form.problem() for form in self.forms if form.is_valid()) if p]


ProblemFormSet = forms.formset_factory(
    ProblemForm, formset=BaseProblemFormSet, extra=1, max_num=30, validate_max=True, absolute_max=30
)


class IssueForm(LiaisonModelForm):
    """A ledger item registered directly (a call, a meeting, a letter) rather than from a visit."""

    take_on = forms.BooleanField(label=_("I will handle it myself"), required=False)

    class Meta:
        model = Issue
        fields = ["enterprise", "category", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = access.enterprises(self.user).filter(status=Enterprise.Status.ACTIVE)
        searchable(self.fields["enterprise"], "pick_enterprises", active=1)
        if not access.can(self.user, "visits.issue_take_on"):
            del self.fields["take_on"]


# ---------------------------------------------------------------- ledger transitions


class IssueActionForm(LiaisonForm):
    """A transition's form: carries the version of the item the user saw (optimistic locking)."""

    version = forms.IntegerField(
        widget=forms.HiddenInput, min_value=0,
        error_messages={"required": _("This form is out of date: reload the page and try again.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance_for is not None and not self.is_bound:
            self.initial.setdefault("version", self.instance_for.version)


def _text(label, required=True, rows=3, help_text=""):
    return forms.CharField(
        label=label, required=required, widget=forms.Textarea(attrs={"rows": rows}), max_length=4000, help_text=help_text
    )


def _unit_choices(user):
    return access.units(user).exclude(kind=Unit.Kind.BUREAU).order_by("kind", "name")


class AssignForm(IssueActionForm):
    responsible_unit = forms.ModelChoiceField(label=_("Responsible unit"), queryset=Unit.objects.none(), widget=QuickSelect)
    owner = forms.ModelChoiceField(
        label=_("Owner"), queryset=User.objects.none(), required=False,
        help_text=_("Leave empty to let the unit name its owner when it accepts."),
    )
    time_limit_days = forms.IntegerField(
        label=_("Time limit (working days)"), required=False, min_value=1, max_value=deadlines.MAX_LIMIT,
        help_text=_("Counted from acceptance; empty for the category's default."),
    )
    measures = _text(_("Rectification measures"), required=False, rows=2)
    note = _text(_("Note"), required=False, rows=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_unit"].queryset = _unit_choices(self.user)
        self.fields["owner"].queryset = access.colleagues(self.user).exclude(role=User.Role.LEADER).order_by(
            "unit__kind", "unit__name", "name"
        )
        self.fields["owner"].label_from_instance = officer_label
        searchable(self.fields["owner"], "pick_people", workers=1)
        issue = self.instance_for
        if issue is not None:
            limit = deadlines.default_limit(issue.category)
            self.fields["time_limit_days"].widget.attrs["placeholder"] = str(limit)
            if not self.is_bound:
                self.initial.setdefault("responsible_unit", issue.responsible_unit_id or issue.enterprise.station_id)
                self.initial.setdefault("owner", issue.owner_id)
                self.initial.setdefault("time_limit_days", issue.time_limit_days)
                self.initial.setdefault("measures", issue.measures)

    def clean(self):
        cleaned = super().clean()
        owner, unit = cleaned.get("owner"), cleaned.get("responsible_unit")
        if owner and unit and owner.unit_id != unit.pk:
            self.add_error("owner", _("The owner must belong to the responsible unit."))
        return cleaned


class BulkAssignForm(LiaisonForm):
    issues = forms.ModelMultipleChoiceField(
        label=_("Ledger items"), queryset=Issue.objects.none(),
        error_messages={"required": _("Tick the ledger items to assign.")},
    )
    responsible_unit = forms.ModelChoiceField(label=_("Responsible unit"), queryset=Unit.objects.none(), widget=QuickSelect)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.none(), required=False)
    time_limit_days = forms.IntegerField(
        label=_("Time limit (working days)"), required=False, min_value=1, max_value=deadlines.MAX_LIMIT
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issues"].queryset = access.issues(self.user).filter(status__in=services.ALLOWED_FROM["assign"])
        self.fields["responsible_unit"].queryset = _unit_choices(self.user)
        self.fields["owner"].queryset = access.colleagues(self.user).exclude(role=User.Role.LEADER).order_by(
            "unit__kind", "unit__name", "name"
        )
        self.fields["owner"].label_from_instance = officer_label
        searchable(self.fields["owner"], "pick_people", workers=1)

    def clean(self):
        cleaned = super().clean()
        owner, unit = cleaned.get("owner"), cleaned.get("responsible_unit")
        if owner and unit and owner.unit_id != unit.pk:
            self.add_error("owner", _("The owner must belong to the responsible unit."))
        return cleaned


class AcceptForm(IssueActionForm):
    measures = _text(_("Rectification measures"), required=False, rows=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance_for is not None and not self.is_bound:
            self.initial.setdefault("measures", self.instance_for.measures)


class ProgressForm(IssueActionForm):
    text = _text(_("What was done"))
    partly_fixed = forms.BooleanField(label=_("Partly fixed"), required=False)
    photos = PhotosField()


class ResolveForm(IssueActionForm):
    evidence = _text(_("Evidence of rectification"), help_text=_("What was done and how it can be checked."))
    photos = PhotosField()


class ReasonForm(IssueActionForm):
    reason = _text(_("Reason"))


class OptionalReasonForm(IssueActionForm):
    reason = _text(_("Reason"), required=False, help_text=_("Empty to take the reason of the unit's request."))


class NoteForm(IssueActionForm):
    note = _text(_("Note"))


class TransferForm(IssueActionForm):
    receiving_authority = forms.CharField(label=_("Receiving authority"), max_length=100)
    reason = _text(_("Reason"), required=False, rows=2)


class ExtensionRequestForm(IssueActionForm):
    new_deadline = forms.DateField(label=_("New deadline"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = _text(_("Reason"))


class ExtensionApproveForm(IssueActionForm):
    new_deadline = forms.DateField(
        label=_("Granted deadline"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Empty to grant the date requested."),
    )
    note = _text(_("Note"), required=False, rows=2)


class CloseForm(IssueActionForm):
    note = _text(_("Verification note"), required=False, rows=2)
    satisfaction = forms.ChoiceField(
        label=_("Enterprise satisfaction (call-back)"), required=False,
        choices=[("", _("Not called back yet")), *Issue.Satisfaction.choices],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not access.can(self.user, "visits.issue_satisfaction", self.instance_for):
            del self.fields["satisfaction"]


class ReopenForm(IssueActionForm):
    reason = _text(_("Reason"))
    time_limit_days = forms.IntegerField(
        label=_("New time limit (working days)"), required=False, min_value=1, max_value=deadlines.MAX_LIMIT,
        help_text=_("Empty to keep the deadline."),
    )


class SuperviseForm(IssueActionForm):
    level = forms.ChoiceField(
        label=_("Supervision"), required=False,
        choices=[(Issue.Supervision.KEY, _("Key supervision")), (Issue.Supervision.LISTED, _("Listed supervision")),
                 ("", _("Lift supervision"))],
    )
    instruction = _text(_("Instruction"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance_for is not None and not self.is_bound:
            self.initial.setdefault("level", self.instance_for.supervision or Issue.Supervision.KEY)


class SatisfactionForm(IssueActionForm):
    satisfaction = forms.ChoiceField(label=_("Enterprise satisfaction (call-back)"), choices=Issue.Satisfaction.choices)
    note = _text(_("Note"), required=False, rows=2)


class CommentForm(LiaisonForm):
    text = _text(_("Remark"))
    photos = PhotosField()
