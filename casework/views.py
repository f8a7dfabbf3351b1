from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max, Prefetch
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.generic import FormView, TemplateView

from casework import selectors, services
from casework import statistics as stats
from casework.filters import ActivityFilter, CaseFilter, GreenChannelFilter, MeasureFilter
from casework.forms import (
    ActivityForm,
    ActivityPhotoForm,
    CaseCloseForm,
    CaseFileForm,
    CaseForm,
    CaseSolveForm,
    CaseTransferForm,
    ChannelApprovalForm,
    ChannelCloseForm,
    GreenChannelForm,
    MeasureExecuteForm,
    MeasureLiftForm,
    MeasureProposeForm,
    MeasureReviewForm,
    StatisticsForm,
)
from casework.models import Activity, ActivityPhoto, Case, CoerciveMeasure, GreenChannel, MeasureReview
from casework.tables import ActivityTable, CaseTable, GreenChannelTable, MeasureTable
from liaison import access
from liaison.uploads import file_response
from liaison.views import (
    ObjectCreateView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    OneTimeSubmitMixin,
    ScopedMixin,
    TransitionView,
)


class ActionFormView(OneTimeSubmitMixin, ScopedMixin, FormView):
    """An action on one object that needs a form: GET shows it, POST validates and calls one service.

    Scope first (404), then permission (403); a refused service call comes back on the form with what was typed.
    """

    template_name = "casework/action_form.html"
    title = ""
    intro = ""
    submit_label = gettext_lazy("Save")
    success_message = None

    def dispatch(self, request, *args, **kwargs):
        refusal = self.refuse_early(request)
        if refusal is not None:
            return refusal
        self.object = get_object_or_404(self.scoped_queryset(), pk=kwargs["pk"])
        self.check_permission(self.object)
        return super(ScopedMixin, self).dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "instance_for": self.object}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(object=self.object, title=self.title, intro=self.intro, submit_label=self.submit_label)
        return context

    def perform(self, data):
        raise NotImplementedError

    def get_success_url(self):
        return self.result.get_absolute_url() if hasattr(self.result, "get_absolute_url") else self.object.get_absolute_url()

    def form_valid(self, form):
        try:
            with transaction.atomic():
                token = self.claim_token()
                if token is False:
                    # Nothing was written yet (the token's own savepoint rolled back): answer with the first result.
                    return self.already_submitted()
                self.result = self.perform(form.cleaned_data)
                if token:
                    token.result_url = self.get_success_url()
                    token.save(update_fields=["result_url"])
        except ValidationError as error:
            for field, msgs in getattr(error, "message_dict", {None: error.messages}).items():
                for msg in msgs:
                    form.add_error(field if field in form.fields else None, msg)
            return self.form_invalid(form)
        if self.success_message:
            messages.success(self.request, self.success_message)
        return HttpResponseRedirect(self.get_success_url())


# ================================================================ cases


def _cases_for_list(queryset):
    return queryset.select_related("enterprise", "handling_unit")


class CaseListView(ObjectListView):
    model = Case
    permission = "casework.view"
    export_permission = "casework.export"
    table_class = CaseTable
    filterset_class = CaseFilter
    export_filename = gettext_lazy("cases")

    def get_queryset(self):
        return _cases_for_list(super().get_queryset())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["may_add"] = access.can(self.request.user, "casework.add_case")
        enterprise = self.filterset.form.cleaned_data.get("enterprise") if self.filterset.is_bound and self.filterset.is_valid() else None
        context["enterprise"] = enterprise
        return context


class CaseDetailView(ObjectDetailView):
    model = Case
    permission = "casework.view"

    def get_queryset(self):
        return super().get_queryset().select_related("enterprise__station", "handling_unit", "created_by").prefetch_related(
            Prefetch("measures", queryset=CoerciveMeasure.objects.order_by("-proposed_on", "-pk"))
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, case = self.request.user, self.object
        manage = access.can(user, "casework.manage_case", case)
        context.update(
            may_manage=manage,
            may_propose=access.can(user, "casework.propose_measure", case) and case.is_open,
            file_form=CaseFileForm(user=user, instance_for=case) if manage and case.status == Case.Status.RECEIVED else None,
            close_form=CaseCloseForm(user=user, instance_for=case) if manage and case.status == Case.Status.SOLVED else None,
        )
        return context


class CaseCreateView(ObjectCreateView):
    model = Case
    form_class = CaseForm
    permission = "casework.add_case"
    success_message = gettext_lazy("Case registered.")

    def get_initial(self):
        initial = super().get_initial()
        enterprise = self.request.GET.get("enterprise", "")
        if enterprise.isdigit() and access.enterprises(self.request.user).filter(pk=enterprise).exists():
            initial["enterprise"] = enterprise
        return initial

    def save(self, form):
        return services.case_save(case=form.instance, actor=self.request.user)


class CaseEditView(ObjectEditView):
    model = Case
    form_class = CaseForm
    permission = "casework.manage_case"
    success_message = gettext_lazy("Case saved.")

    def save(self, form):
        return services.case_save(case=form.instance, actor=self.request.user)


class CaseFileView(TransitionView):
    model = Case
    permission = "casework.manage_case"
    form_class = CaseFileForm
    success_message = gettext_lazy("The case is filed.")

    def perform(self, obj, data):
        services.case_file(case=obj, actor=self.request.user, filed_at=data.get("filed_at"))


class CaseCloseView(TransitionView):
    model = Case
    permission = "casework.manage_case"
    form_class = CaseCloseForm
    success_message = gettext_lazy("The case is closed.")

    def perform(self, obj, data):
        services.case_close(case=obj, actor=self.request.user, closed_at=data.get("closed_at"))


class CaseSolveView(ActionFormView):
    model = Case
    permission = "casework.manage_case"
    form_class = CaseSolveForm
    title = gettext_lazy("Solve the case")
    intro = gettext_lazy("Record when the case was solved (or, for an administrative case, dealt with) and the detentions made.")
    submit_label = gettext_lazy("Mark solved")
    success_message = gettext_lazy("The case is solved.")

    def perform(self, data):
        return services.case_solve(case=self.object, actor=self.request.user, **data)


class CaseTransferView(ActionFormView):
    model = Case
    permission = "casework.manage_case"
    form_class = CaseTransferForm
    title = gettext_lazy("Transfer the case")
    intro = gettext_lazy("A case outside the bureau's jurisdiction goes to the authority that has it, and the party is told.")
    submit_label = gettext_lazy("Transfer")
    success_message = gettext_lazy("The case is transferred.")

    def perform(self, data):
        return services.case_transfer(case=self.object, actor=self.request.user, **data)


# ================================================================ coercive measures


class MeasureListView(ObjectListView):
    model = CoerciveMeasure
    permission = "casework.view"
    export_permission = "casework.export"
    table_class = MeasureTable
    filterset_class = MeasureFilter
    export_filename = gettext_lazy("coercive measures")
    template_name = "casework/measure_list.html"

    def get_queryset(self):
        return super().get_queryset().select_related("case__enterprise")


class MeasureDetailView(ObjectDetailView):
    model = CoerciveMeasure
    permission = "casework.view"
    template_name = "casework/measure_detail.html"

    def get_queryset(self):
        reviews = MeasureReview.objects.select_related("recorded_by").prefetch_related("participants__unit")
        return super().get_queryset().select_related(
            "case__enterprise", "case__handling_unit", "created_by", "executed_by", "lifted_by"
        ).prefetch_related(Prefetch("reviews", queryset=reviews))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, measure = self.request.user, self.object
        reviews = {review.stage: review for review in measure.reviews.all()}
        context["stages"] = [
            {"stage": stage, "label": label, "review": reviews.get(stage), "due": measure.next_stage == stage}
            for stage, label in MeasureReview.Stage.choices
        ]
        may_execute = access.can(user, "casework.execute_measure", measure)
        context.update(
            may_review=access.can(user, "casework.review_measure", measure),
            execute_form=MeasureExecuteForm(user=user, instance_for=measure)
            if may_execute and measure.status == CoerciveMeasure.Status.APPROVED else None,
            may_lift=may_execute and measure.status == CoerciveMeasure.Status.EXECUTED,
        )
        return context


class MeasureProposeView(ActionFormView):
    model = Case
    permission = "casework.propose_measure"
    form_class = MeasureProposeForm
    title = gettext_lazy("Propose a coercive measure")
    submit_label = gettext_lazy("Propose")
    success_message = gettext_lazy("The measure is proposed; it now goes to the three collective reviews.")

    def perform(self, data):
        return services.measure_propose(case=self.object, actor=self.request.user, **data)


class MeasureReviewView(ActionFormView):
    model = CoerciveMeasure
    permission = "casework.review_measure"
    form_class = MeasureReviewForm
    template_name = "casework/measure_review_form.html"
    submit_label = gettext_lazy("Record the review")
    success_message = gettext_lazy("The collective review is recorded.")

    def scoped_queryset(self):
        return super().scoped_queryset().select_related("case__enterprise", "case__handling_unit")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = _("Collective review of the %(stage)s") % {"stage": self.object.next_stage_label}
        context["earlier"] = self.object.reviews.select_related("recorded_by").prefetch_related("participants")
        return context

    def perform(self, data):
        return services.measure_review(measure=self.object, actor=self.request.user, **data)

    def get_success_url(self):
        return self.object.get_absolute_url()


class MeasureExecuteView(TransitionView):
    model = CoerciveMeasure
    permission = "casework.execute_measure"
    form_class = MeasureExecuteForm
    success_message = gettext_lazy("The measure is recorded as executed.")

    def perform(self, obj, data):
        services.measure_execute(measure=obj, actor=self.request.user, executed_at=data.get("executed_at"), note=data.get("note", ""))


class MeasureLiftView(ActionFormView):
    model = CoerciveMeasure
    permission = "casework.execute_measure"
    form_class = MeasureLiftForm
    title = gettext_lazy("Lift the measure")
    submit_label = gettext_lazy("Lift")
    success_message = gettext_lazy("The measure is lifted.")

    def perform(self, data):
        return services.measure_lift(measure=self.object, actor=self.request.user, **data)


# ================================================================ green channel


class GreenChannelListView(ObjectListView):
    model = GreenChannel
    permission = "casework.view"
    export_permission = "casework.export"
    table_class = GreenChannelTable
    filterset_class = GreenChannelFilter
    export_filename = gettext_lazy("green channels")
    template_name = "casework/channel_list.html"

    def get_queryset(self):
        # An aggregate drops Meta.ordering (GROUP BY): order explicitly so pages are stable.
        return (
            super().get_queryset().select_related("enterprise", "officer")
            .annotate(last_approval=Max("approvals__date")).order_by(*GreenChannel._meta.ordering, "pk")
        )

    def get_table_kwargs(self):
        today = timezone.localdate()
        channels = selectors.open_channels(access.green_channels(self.request.user), today)
        return {"missed": selectors.missed_days(channels, today)}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["may_add"] = access.can(self.request.user, "casework.manage_channel")
        return context


class GreenChannelDetailView(ObjectDetailView):
    model = GreenChannel
    permission = "casework.view"
    template_name = "casework/channel_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("enterprise", "officer__unit", "created_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, channel = self.request.user, self.object
        today = timezone.localdate()
        context.update(
            approvals=channel.approvals.select_related("approver")[:31],
            approvals_total=channel.approvals.count(),
            missed=selectors.missed_days([channel], today).get(channel.pk, []),
            may_approve=access.can(user, "casework.approve_channel", channel) and channel.is_active,
            may_manage=access.can(user, "casework.manage_channel", channel),
            approved_today=channel.approvals.filter(date=today).first(),
        )
        return context


class GreenChannelCreateView(ObjectCreateView):
    model = GreenChannel
    form_class = GreenChannelForm
    permission = "casework.manage_channel"
    template_name = "casework/channel_form.html"
    success_message = gettext_lazy("Green channel opened.")

    def get_initial(self):
        initial = super().get_initial()
        enterprise = self.request.GET.get("enterprise", "")
        if enterprise.isdigit():
            initial["enterprise"] = enterprise
        return initial

    def save(self, form):
        return services.channel_save(channel=form.instance, actor=self.request.user)


class GreenChannelEditView(ObjectEditView):
    model = GreenChannel
    form_class = GreenChannelForm
    permission = "casework.manage_channel"
    template_name = "casework/channel_form.html"
    success_message = gettext_lazy("Green channel saved.")

    def save(self, form):
        return services.channel_save(channel=form.instance, actor=self.request.user)


class GreenChannelCloseView(TransitionView):
    model = GreenChannel
    permission = "casework.manage_channel"
    form_class = ChannelCloseForm
    success_message = gettext_lazy("The green channel is closed.")

    def perform(self, obj, data):
        services.channel_close(channel=obj, actor=self.request.user, reason=data.get("reason", ""))


class ChannelApproveView(ActionFormView):
    model = GreenChannel
    permission = "casework.approve_channel"
    form_class = ChannelApprovalForm
    template_name = "casework/channel_approve_form.html"
    submit_label = gettext_lazy("Approve")
    success_message = gettext_lazy("Approval recorded.")

    def scoped_queryset(self):
        return super().scoped_queryset().select_related("enterprise", "officer")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = _("Approve: %(subject)s") % {"subject": self.object.subject}
        context["recent"] = self.object.approvals.select_related("approver")[:7]
        return context

    def perform(self, data):
        return services.channel_approve(channel=self.object, actor=self.request.user, **data)

    def get_success_url(self):
        return self.object.get_absolute_url()


# ================================================================ activities


class ActivityListView(ObjectListView):
    model = Activity
    permission = "casework.view"
    export_permission = "casework.export"
    table_class = ActivityTable
    filterset_class = ActivityFilter
    export_filename = gettext_lazy("activities")

    def get_queryset(self):
        return (
            super().get_queryset().annotate(n_enterprises=Count("enterprises", distinct=True))
            .prefetch_related("units").order_by(*Activity._meta.ordering, "pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["may_add"] = access.can(self.request.user, "casework.add_activity")
        return context


class ActivityDetailView(ObjectDetailView):
    model = Activity
    permission = "casework.view"

    def get_queryset(self):
        return super().get_queryset().select_related("created_by").prefetch_related(
            "units", "officers__unit", "enterprises__station", "photos"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        may_edit = access.can(self.request.user, "casework.edit_activity", self.object)
        context.update(
            may_edit=may_edit,
            photo_form=ActivityPhotoForm(user=self.request.user, instance_for=self.object) if may_edit else None,
        )
        return context


class ActivitySaveMixin:
    model = Activity
    form_class = ActivityForm

    def save(self, form):
        data = form.cleaned_data
        return services.activity_save(
            activity=form.instance, actor=self.request.user, units=data.get("units", []), officers=data.get("officers", []),
            enterprises=data.get("enterprises", []), photos=data.get("photos", []),
        )


class ActivityCreateView(ActivitySaveMixin, ObjectCreateView):
    permission = "casework.add_activity"
    success_message = gettext_lazy("Activity recorded.")

    def get_initial(self):
        initial = super().get_initial()
        kind = self.request.GET.get("kind", "")
        if kind in Activity.Kind.values:
            initial["kind"] = kind
        enterprise = self.request.GET.get("enterprise", "")
        if enterprise.isdigit():
            initial["enterprises"] = [enterprise]
        return initial


class ActivityEditView(ActivitySaveMixin, ObjectEditView):
    permission = "casework.edit_activity"
    success_message = gettext_lazy("Activity saved.")

    def scoped_queryset(self):
        return super().scoped_queryset().prefetch_related("units")


class ActivityPhotoAddView(TransitionView):
    model = Activity
    permission = "casework.edit_activity"
    form_class = ActivityPhotoForm
    success_message = gettext_lazy("Photos added.")

    def perform(self, obj, data):
        services.activity_add_photos(activity=obj, actor=self.request.user, photos=data["photos"], caption=data.get("caption", ""))


class ActivityPhotoView(ScopedMixin, TemplateView):
    """Streams one activity photo (or its thumbnail) to a user who may see the activity."""

    model = ActivityPhoto
    permission = "casework.view"
    http_method_names = ["get", "head"]

    def get(self, request, *args, **kwargs):
        photo = get_object_or_404(self.scoped_queryset(), pk=kwargs["pk"])
        field = photo.thumbnail if request.GET.get("size") == "thumb" else photo.image
        if not field:
            raise Http404
        ext = field.name.rsplit(".", 1)[-1].lower()
        return file_response(field, f"activity-{photo.activity_id}-{photo.pk}.{ext}", inline=True)


# ================================================================ statistics


class StatisticsView(ScopedMixin, TemplateView):
    permission = "casework.statistics"
    template_name = "casework/statistics.html"
    http_method_names = ["get", "head"]

    def get_scope(self):
        default = stats.default_scope()
        data = self.request.GET if {"start", "end"} & set(self.request.GET) else None
        form = StatisticsForm(data, user=self.request.user, initial={"start": default.start.isoformat(), "end": default.end.isoformat()})
        if data is None or not form.is_valid():
            return form, default
        cleaned = form.cleaned_data
        return form, stats.Scope(start=cleaned["start"], end=cleaned["end"], station=cleaned["station"], unit=cleaned["unit"])

    def get(self, request, *args, **kwargs):
        self.form, self.scope = self.get_scope()
        if request.GET.get("export") == "xlsx":
            if not access.can(request.user, "casework.export"):
                raise PermissionDenied
            return self.export_xlsx()
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(stats.compute(self.request.user, self.scope))
        query = self.request.GET.copy()
        for key in ("show", "export"):
            query.pop(key, None)
        context.update(form=self.form, scope=self.scope, query=query.urlencode())
        show = self.request.GET.get("show", "")
        if show in stats.RECORD_KEYS:
            context["show"] = show
            context["drill"] = stats.records(self.request.user, self.scope, show)
            context["drill_label"] = next(
                (f.label for f in context["figures"] + context["more"] if f.records == show), ""
            )
        return context

    def export_xlsx(self):
        import tempfile

        from openpyxl import Workbook
        from openpyxl.styles import Font

        data = stats.compute(self.request.user, self.scope)
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = str(_("Statistics"))[:31]
        bold = Font(bold=True)
        sheet.append([str(_("Escort economic development: statistics"))])
        sheet["A1"].font = Font(bold=True, size=14)
        sheet.append([str(_("Period")), f"{self.scope.start:%Y-%m-%d} – {self.scope.end:%Y-%m-%d}"])
        sheet.append([str(_("Police station")), str(self.scope.station or _("All"))])
        sheet.append([str(_("Unit")), str(self.scope.unit or _("All"))])
        sheet.append([])
        sheet.append([str(_("Figure")), str(pgettext("count", "Number")), str(_("Of which"))])
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        for figure in data["figures"] + data["more"]:
            parts = "；".join(f"{part.label} {part.value}" for part in figure.parts)
            sheet.append([str(figure.label), figure.value, parts])
        sheet.append([])
        sheet.append([str(_("Cases solved by group")), str(_("Cases")), str(_("Criminal detentions")), str(_("Administrative detentions"))])
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        for group in data["case_groups"]:
            sheet.append([str(group["label"]), group["n"], group["criminal"], group["administrative"]])
        sheet.column_dimensions["A"].width = 36
        sheet.column_dimensions["C"].width = 48
        handle = tempfile.TemporaryFile()
        workbook.save(handle)
        handle.seek(0)
        return FileResponse(
            handle, as_attachment=True,
            filename=f"statistics-{self.scope.start:%Y%m%d}-{self.scope.end:%Y%m%d}.xlsx",
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )

