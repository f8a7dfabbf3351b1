from django import forms
from django.db.models import Case as Case_
from django.db.models import When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Unit, User
from casework.models import Activity, Case, CoerciveMeasure, GreenChannel, MeasureReview
from liaison import access
from liaison.forms import LiaisonForm, LiaisonModelForm
from liaison.picker import searchable, searchable_multiple

DATE = {"type": "date"}
DATETIME = {"type": "datetime-local", "class": "form-control"}


def _datetime_field(label, required=False):
    return forms.DateTimeField(
        label=label, required=required,
        widget=forms.DateTimeInput(attrs=DATETIME, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
    )


def _person_label(user):
    return f"{user.name}（{user.unit or user.get_role_display()}）"


class CaseForm(LiaisonModelForm):
    received_at = _datetime_field(_("Received at"), required=True)

    class Meta:
        model = Case
        fields = [
            "enterprise", "enterprise_role", "case_type", "nature", "title", "summary", "handling_unit", "received_at",
            "criminal_detentions", "administrative_detentions",
        ]
        widgets = {"summary": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        enterprises = access.enterprises(self.user)
        if self.instance.pk:
            enterprises = enterprises | type(self.instance.enterprise).objects.filter(pk=self.instance.enterprise_id)
        self.fields["enterprise"].queryset = enterprises.order_by("name").distinct()
        searchable(self.fields["enterprise"], "pick_enterprises")
        self.fields["handling_unit"].queryset = access.units(self.user).filter(kind__in=[Unit.Kind.STATION, Unit.Kind.TEAM])
        if not self.instance.pk:
            self.initial.setdefault("received_at", timezone.localtime().strftime("%Y-%m-%dT%H:%M"))
            if self.user is not None and self.user.unit_id and self.user.unit.kind in (Unit.Kind.STATION, Unit.Kind.TEAM):
                self.initial.setdefault("handling_unit", self.user.unit_id)
        elif self.instance.status != Case.Status.RECEIVED:
            self.fields["received_at"].disabled = True


class CaseFileForm(LiaisonForm):
    filed_at = _datetime_field(_("Filed at"))


class CaseSolveForm(LiaisonForm):
    solved_at = _datetime_field(_("Solved at"))
    criminal_detentions = forms.IntegerField(label=_("Criminal detentions"), min_value=0, max_value=999)
    administrative_detentions = forms.IntegerField(label=_("Administrative detentions"), min_value=0, max_value=999)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        case = self.instance_for
        self.initial.setdefault("solved_at", timezone.localtime().strftime("%Y-%m-%dT%H:%M"))
        if case is not None:
            self.initial.setdefault("criminal_detentions", case.criminal_detentions)
            self.initial.setdefault("administrative_detentions", case.administrative_detentions)


class CaseCloseForm(LiaisonForm):
    closed_at = _datetime_field(_("Closed at"))


class CaseTransferForm(LiaisonForm):
    receiving_authority = forms.CharField(label=_("Receiving authority"), max_length=100)
    transferred_at = _datetime_field(_("Transferred at"))
    party_notified_on = forms.DateField(label=_("Party notified on"), widget=forms.DateInput(attrs=DATE))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("transferred_at", timezone.localtime().strftime("%Y-%m-%dT%H:%M"))
        self.initial.setdefault("party_notified_on", timezone.localdate().isoformat())


class MeasureProposeForm(LiaisonForm):
    kind = forms.ChoiceField(label=_("Measure"), choices=CoerciveMeasure.Kind.choices)
    target = forms.CharField(label=_("Object of the measure"), max_length=200,
                             help_text=_("Premises, goods, bank account or the person concerned."))
    amount = forms.DecimalField(label=_("Amount (yuan)"), max_digits=14, decimal_places=2, min_value=0, required=False)
    grounds = forms.CharField(label=_("Facts and legal grounds"), widget=forms.Textarea(attrs={"rows": 4}))
    proposed_on = forms.DateField(label=_("Proposed on"), widget=forms.DateInput(attrs=DATE))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("proposed_on", timezone.localdate().isoformat())


class MeasureReviewForm(LiaisonForm):
    """The collective review that is due: the stage comes from the measure, echoed to catch a stale form."""

    stage = forms.IntegerField(widget=forms.HiddenInput)
    held_on = forms.DateField(label=_("Held on"), widget=forms.DateInput(attrs=DATE))
    participants = forms.ModelMultipleChoiceField(
        label=_("Participants"), queryset=User.objects.none(),
        help_text=_("Everyone who took part in the collective review: at least three people."),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    minutes = forms.CharField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 5}))
    economic_impact = forms.CharField(
        label=_("Impact on the enterprise's business"), widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("How the measure affects production, wages, contracts and credit, and how that is limited."),
    )
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[c for c in MeasureReview.Decision.choices if c[0]], widget=forms.RadioSelect
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The reviewer's own unit (the handling unit, the legal team, the leadership) first.
        own_unit_first = Case_(When(unit_id=getattr(self.user, "unit_id", None), then=0), default=1)
        self.fields["participants"].queryset = access.colleagues(self.user).order_by(own_unit_first, "unit__name", "name")
        self.fields["participants"].label_from_instance = _person_label
        searchable_multiple(self.fields["participants"], "pick_people")
        measure = self.instance_for
        if measure is not None:
            self.initial.setdefault("stage", measure.next_stage)
        self.initial.setdefault("held_on", timezone.localdate().isoformat())

    def clean_participants(self):
        people = self.cleaned_data["participants"]
        if len(people) < MeasureReview.MIN_PARTICIPANTS:
            raise forms.ValidationError(
                _("A collective review needs at least %(n)d participants.") % {"n": MeasureReview.MIN_PARTICIPANTS}
            )
        return people


class MeasureExecuteForm(LiaisonForm):
    executed_at = _datetime_field(_("Executed at"))
    note = forms.CharField(label=_("Execution note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class MeasureLiftForm(LiaisonForm):
    reason = forms.CharField(label=_("Reason for lifting"), widget=forms.Textarea(attrs={"rows": 2}))
    lifted_at = _datetime_field(_("Lifted at"))


class GreenChannelForm(LiaisonModelForm):
    class Meta:
        model = GreenChannel
        fields = ["enterprise", "subject", "frequency", "officer", "started_on", "ended_on", "end_reason", "notes"]
        widgets = {
            "started_on": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
            "ended_on": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = access.enterprises(self.user).filter(storage_capacity__isnull=False).order_by("name")
        searchable(self.fields["enterprise"], "pick_enterprises", stores=1)
        self.fields["enterprise"].help_text = _("Enterprises with a recorded storage capacity.")
        self.fields["officer"].queryset = access.colleagues(self.user).filter(role__in=[User.Role.OFFICER, User.Role.TEAM])
        searchable(self.fields["officer"], "pick_people", workers=1)
        self.fields["officer"].label_from_instance = _person_label
        if not self.instance.pk:
            del self.fields["ended_on"]
            del self.fields["end_reason"]


class ChannelApprovalForm(LiaisonForm):
    date = forms.DateField(label=_("For the day"), widget=forms.DateInput(attrs=DATE))
    quantity = forms.DecimalField(label=_("Quantity"), max_digits=12, decimal_places=2, min_value=0)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("date", timezone.localdate().isoformat())
        channel = self.instance_for
        if channel is not None:
            enterprise = channel.enterprise
            self.fields["quantity"].label = _("Quantity (%(unit)s)") % {"unit": enterprise.get_storage_unit_display()}
            self.fields["quantity"].help_text = _("At most %(capacity)s %(unit)s, the store's design capacity.") % {
                "capacity": f"{enterprise.storage_capacity:g}", "unit": enterprise.get_storage_unit_display(),
            }


class ChannelCloseForm(LiaisonForm):
    reason = forms.CharField(label=_("Reason for ending"), max_length=200, required=False)


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleImageInput(attrs={"accept": "image/jpeg,image/png"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class ActivityForm(LiaisonModelForm):
    photos = MultipleImageField(label=_("Photos"), help_text=_("JPEG or PNG, at most 10 MB each."))

    class Meta:
        model = Activity
        fields = [
            "kind", "title", "held_on", "place", "description", "units", "officers", "enterprises",
            "theme", "audience",
            "target", "hazards_found", "hazards_removed", "disputes_resolved",
            "service_kind", "people_served", "documents",
            "escort_kind", "patrols", "cameras_installed",
        ]
        widgets = {
            "held_on": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 3}),
            "units": forms.SelectMultiple(attrs={"size": 5}),
            "officers": forms.SelectMultiple(attrs={"size": 6}),
            "enterprises": forms.SelectMultiple(attrs={"size": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        enterprises = access.enterprises(self.user)
        if self.instance.pk:
            # Keep the enterprises already recorded even when they are outside the editor's own reach.
            enterprises = enterprises | self.instance.enterprises.all()
        self.fields["enterprises"].queryset = enterprises.order_by("name").distinct()
        self.fields["units"].queryset = access.units(self.user).exclude(kind=Unit.Kind.BUREAU)
        self.fields["officers"].queryset = access.colleagues(self.user).order_by("unit__name", "name")
        self.fields["officers"].label_from_instance = _person_label
        searchable_multiple(self.fields["officers"], "pick_people")
        searchable_multiple(self.fields["enterprises"], "pick_enterprises")
        if not self.instance.pk:
            self.initial.setdefault("held_on", timezone.localdate().isoformat())
            if self.user is not None and self.user.unit_id:
                self.initial.setdefault("units", [self.user.unit_id])
                self.initial.setdefault("officers", [self.user.pk])
        for kind, names in Activity.KIND_FIELDS.items():
            for name in names:
                self.fields[name].widget.attrs["data-activity-kind"] = kind
        self.photo_uploads = []

    def clean_photos(self):
        from django.core.exceptions import ValidationError

        from liaison.uploads import clean_image

        uploads = self.cleaned_data.get("photos") or []
        for upload in uploads:
            try:
                clean_image(upload)  # checked now so that a bad photo is reported beside the field
            except ValidationError as error:
                raise forms.ValidationError(error.messages)
        return uploads


class ActivityPhotoForm(LiaisonForm):
    photos = MultipleImageField(label=_("Photos"), required=True)
    caption = forms.CharField(label=_("Caption"), max_length=200, required=False)


class StatisticsForm(LiaisonForm):
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs=DATE))
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs=DATE))
    station = forms.ModelChoiceField(label=_("Police station"), queryset=Unit.objects.none(), required=False)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = Unit.objects.filter(pk__in=access.station_ids(self.user))
        self.fields["unit"].queryset = access.units(self.user).exclude(kind=Unit.Kind.BUREAU)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            self.add_error("end", _("The period ends before it starts."))
        if start and end and (end - start).days > 3660:
            self.add_error("start", _("Choose a period of at most ten years."))
        return cleaned
