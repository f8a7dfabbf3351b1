from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from django_tables2 import RequestConfig

from accounts.models import Unit
from liaison import access
from liaison.models import SubmitToken
from liaison.views import (
    TOKEN_FIELD,
    ObjectCreateView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    OneTimeSubmitMixin,
    ScopedMixin,
    TransitionView,
)
from supervision import documents, forms, scoreboard, services
from supervision.figures import light_of, period_from, presets
from supervision.filters import MeetingActionFilter, MeetingFilter, NoticeFilter, ReferralFilter
from supervision.models import Meeting, MeetingAction, Notice, Referral
from supervision.tables import MeetingActionTable, MeetingTable, NoticeTable, ReferralTable, ScoreboardTable
from visits.models import Issue

S = Referral.Status


# ---------------------------------------------------------------- transitions with a form on the detail page


class FormTransitionView(OneTimeSubmitMixin, TransitionView):
    """A transition posted from a form on the object's page.

    Outside the step it belongs to, it changes nothing and says so; bad input shows the page again with the form
    as typed and its errors; a second submit of the same form is recognised.
    """

    states = ()
    form_name = None
    detail_view = None
    state_message = _("This record is no longer at that step; nothing was changed.")

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        token = request.POST.get(TOKEN_FIELD, "")[:64]
        if token and SubmitToken.objects.filter(token=token, user=request.user).exists():
            # The same form again (a double click): the first submit already took the step.
            return self.already_submitted()
        if self.states and obj.status not in self.states:
            messages.error(request, self.state_message)
            return HttpResponseRedirect(obj.get_absolute_url())
        form = self.form_class(request.POST, user=request.user, instance_for=obj) if self.form_class else None
        if form is None or form.is_valid():
            try:
                with transaction.atomic():
                    token = self.claim_token()
                    if token is False:
                        response = self.already_submitted()  # read the first submit's result before rolling back
                        transaction.set_rollback(True)
                        return response
                    self.perform(obj, form.cleaned_data if form else None)
                    if token:
                        token.result_url = obj.get_absolute_url()
                        token.save(update_fields=["result_url"])
            except ValidationError as error:
                if form is None or not hasattr(error, "error_dict"):
                    for message in error.messages:
                        messages.error(request, message)
                    return HttpResponseRedirect(obj.get_absolute_url())
                for field, msgs in error.message_dict.items():
                    for message in msgs:
                        form.add_error(field if field in form.fields else None, message)
            else:
                if self.success_message:
                    messages.success(request, self.success_message)
                return HttpResponseRedirect(self.redirect_url(obj))
        return self.show_again(obj, form)

    def show_again(self, obj, form):
        view = self.detail_view()
        view.setup(self.request, pk=obj.pk)
        view.object = view.get_object()
        view.bound_forms = {self.form_name: form}
        context = view.get_context_data(object=view.object)
        return render(self.request, view.get_template_names(), context)


# ---------------------------------------------------------------- referrals


class ReferralListView(ObjectListView):
    """The board: one column per status (or, with ?view=table, a sortable table); exportable."""

    model = Referral
    permission = "supervision.view"
    export_permission = "supervision.referral_export"
    table_class = ReferralTable
    filterset_class = ReferralFilter
    export_filename = _("referrals")
    DONE_ON_BOARD = 12

    def get_queryset(self):
        return super().get_queryset().select_related("enterprise", "raised_by_unit", "assigned_unit", "assigned_officer")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        board = self.request.GET.get("view") != "table"
        context["board_view"] = board
        context["may_add"] = access.can(self.request.user, "supervision.referral_add")
        query = self.request.GET.copy()
        query.pop("view", None)
        query.pop("page", None)
        context["query_for_views"] = query.urlencode()
        if board:
            filtered = self.object_list
            counts = dict(filtered.order_by().values_list("status").annotate(n=Count("pk")))
            open_cards = list(filtered.filter(status__in=Referral.OPEN_STATES).order_by("reply_deadline", "year", "serial"))
            done_cards = list(filtered.filter(status=S.DONE).order_by("-replied_at")[: self.DONE_ON_BOARD])
            columns = []
            for value, label in S.choices:
                cards = done_cards if value == S.DONE else [r for r in open_cards if r.status == value]
                columns.append({"status": value, "label": label, "count": counts.get(value, 0), "cards": cards})
            context["columns"] = columns
        return context


class ReferralDetailView(ObjectDetailView):
    model = Referral
    permission = "supervision.view"
    bound_forms = None

    ACTIONS = {
        # name: (permission, states it belongs to, form class)
        "submit": ("supervision.referral_submit", (S.DRAFT,), None),
        "return": ("supervision.referral_return", (S.SUBMITTED,), forms.ReturnForm),
        "report": ("supervision.referral_report", (S.SUBMITTED,), forms.ReportForm),
        "instruct": ("supervision.referral_instruct", (S.REPORTED,), forms.InstructForm),
        "assign": ("supervision.referral_assign", (S.INSTRUCTED,), forms.AssignForm),
        "reply": ("supervision.referral_reply", (S.ASSIGNED,), forms.ReplyForm),
    }

    def get_queryset(self):
        return super().get_queryset().select_related(
            "enterprise__station", "issue__responsible_unit", "issue__owner", "raised_by_unit", "created_by", "reported_by",
            "instructed_by", "assigned_unit", "assigned_officer", "assigned_by", "replied_by", "issue_update",
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, referral = self.request.user, self.object
        bound = self.bound_forms or {}
        actions = {}
        for name, (permission, states, form_class) in self.ACTIONS.items():
            if referral.status in states and access.can(user, permission, referral):
                form = bound.get(name) or (form_class(user=user, instance_for=referral) if form_class else None)
                actions[name] = form
        context.update(
            actions=actions,
            may_edit=referral.status == S.DRAFT and access.can(user, "supervision.referral_edit", referral),
            issue_light=light_of(referral.issue) if referral.issue_id else None,
            steps=referral_steps(referral),
        )
        return context


def referral_steps(referral):
    """The referral's path so far, for the timeline on its page."""
    steps = [(referral.created_at, _("Drafted"), referral.created_by, "")]
    if referral.submitted_at:
        steps.append((referral.submitted_at, _("Submitted to the office"), referral.created_by, ""))
    if referral.reported_at:
        steps.append((referral.reported_at, _("Reported to the city bureau"), referral.reported_by, referral.report_addressee))
    if referral.instructed_at:
        steps.append((referral.instructed_at, _("Leader's instruction"), referral.instructed_by, referral.instruction))
    if referral.assigned_at:
        steps.append((referral.assigned_at, _("Assigned"), referral.assigned_by, referral.assigned_officer or referral.assigned_unit))
    if referral.replied_at:
        steps.append((referral.replied_at, _("Replied"), referral.replied_by, referral.reply))
    return steps


class ReferralCreateView(ObjectCreateView):
    model = Referral
    form_class = forms.ReferralForm
    permission = "supervision.referral_add"
    success_message = _("Referral saved as a draft. Submit it to the office when it is complete.")

    def get_initial(self):
        initial = super().get_initial()
        issue_pk = self.request.GET.get("issue", "")
        if issue_pk.isdigit():
            issue = access.issues(self.request.user).filter(pk=issue_pk).select_related("enterprise").first()
            if issue is not None:
                # A suggested subject in the wording of the written report (which is in Chinese whatever the screen).
                initial.update(issue=issue.number, enterprise=issue.enterprise_id, title=f"协调解决{issue.enterprise.name}反映的问题")
                initial["request"] = issue.description
        enterprise_pk = self.request.GET.get("enterprise", "")
        if enterprise_pk.isdigit() and "enterprise" not in initial:
            initial["enterprise"] = enterprise_pk
        return initial

    def save(self, form):
        data = form.cleaned_data
        return services.referral_raise(
            actor=self.request.user, title=data["title"], request=data["request"], requested_of=data["requested_of"],
            enterprise=data.get("enterprise"), issue=data.get("issue"),
        )


class ReferralEditView(ObjectEditView):
    model = Referral
    form_class = forms.ReferralForm
    permission = "supervision.referral_edit"
    success_message = _("Referral saved.")

    def get_object(self, queryset=None):
        referral = super().get_object(queryset)
        if referral.status != S.DRAFT:
            raise PermissionDenied
        return referral

    def save(self, form):
        return services.referral_edit(referral=form.instance, actor=self.request.user)


class ReferralStepView(FormTransitionView):
    model = Referral
    detail_view = ReferralDetailView
    state_message = _("This referral is no longer at that step; nothing was changed.")

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.form_name:
            cls.permission, cls.states, cls.form_class = ReferralDetailView.ACTIONS[cls.form_name]


class ReferralSubmitView(ReferralStepView):
    form_name = "submit"
    success_message = _("Submitted to the programme office.")

    def perform(self, obj, data):
        services.referral_submit(referral=obj, actor=self.request.user)


class ReferralReturnView(ReferralStepView):
    form_name = "return"
    success_message = _("Sent back to the raising unit.")

    def perform(self, obj, data):
        services.referral_return(referral=obj, actor=self.request.user, reason=data["reason"])


class ReferralReportView(ReferralStepView):
    form_name = "report"
    success_message = _("The report is recorded as sent; its document can be downloaded.")

    def perform(self, obj, data):
        services.referral_report(
            referral=obj, actor=self.request.user, addressee=data["report_addressee"], body=data["report_body"],
            sent_at=data["reported_at"], cc=data.get("report_cc", ""), signer=data.get("report_signer", ""),
        )


class ReferralInstructView(ReferralStepView):
    form_name = "instruct"
    success_message = _("Instruction recorded.")

    def perform(self, obj, data):
        services.referral_instruct(referral=obj, actor=self.request.user, instruction=data["instruction"])


class ReferralAssignView(ReferralStepView):
    form_name = "assign"
    success_message = _("Assigned; the reply deadline is set.")

    def perform(self, obj, data):
        services.referral_assign(
            referral=obj, actor=self.request.user, unit=data.get("assigned_unit"), officer=data.get("assigned_officer"),
            reply_workdays=data["reply_workdays"],
        )


class ReferralReplyView(ReferralStepView):
    form_name = "reply"
    success_message = _("Reply recorded; it is on the ledger item's timeline.")

    def perform(self, obj, data):
        services.referral_reply(referral=obj, actor=self.request.user, reply=data["reply"])


class ReferralDocumentView(ObjectDetailView):
    """The written report to the city bureau (DOCX), once it has been reported."""

    model = Referral
    permission = "supervision.view"

    def get_queryset(self):
        return super().get_queryset().select_related("enterprise", "issue", "raised_by_unit", "reported_by__unit")

    def get(self, request, *args, **kwargs):
        referral = self.get_object()
        if not referral.has_document:
            raise Http404
        return documents.docx_response(documents.referral_report(referral), f"{referral.year}-{referral.serial}-report.docx")


# ---------------------------------------------------------------- meetings


class MeetingListView(ObjectListView):
    model = Meeting
    permission = "supervision.view"
    table_class = MeetingTable
    filterset_class = MeetingFilter
    export_filename = _("meetings")

    def get_queryset(self):
        return super().get_queryset().select_related("chair").annotate(
            decisions=Count("actions", distinct=True),
            open_decisions=Count("actions", filter=Q(actions__status=MeetingAction.Status.OPEN), distinct=True),
        ).order_by("-held_at")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["may_add"] = access.can(self.request.user, "supervision.meeting_add")
        return context


def action_queryset():
    return MeetingAction.objects.select_related("meeting", "owner_unit", "owner", "issue__enterprise", "plan_task__plan__enterprise", "closed_by")


class MeetingDetailView(ObjectDetailView):
    model = Meeting
    permission = "supervision.view"
    bound_forms = None

    def get_queryset(self):
        return super().get_queryset().select_related("chair__unit", "created_by").prefetch_related(
            Prefetch("attendees", queryset=access.colleagues(self.request.user).order_by("unit__name", "name")),
            Prefetch("actions", queryset=action_queryset().order_by("position")),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, meeting = self.request.user, self.object
        carried = list(action_queryset().filter(pk__in=meeting.carried_over().values("pk")).order_by("meeting__held_at", "position"))
        bound = self.bound_forms or {}
        for action in [*meeting.actions.all(), *carried]:
            action.may_close = action.status == MeetingAction.Status.OPEN and access.can(user, "supervision.meetingaction_done", action)
            action.may_cancel = action.status == MeetingAction.Status.OPEN and access.can(user, "supervision.meetingaction_cancel", action)
            action.bound_form = bound.get(f"close-{action.pk}")
        context.update(
            carried=carried,
            may_edit=access.can(user, "supervision.meeting_edit", meeting),
            may_add_action=access.can(user, "supervision.meetingaction_add", meeting),
            notices=meeting.notices.select_related("unit", "officer").all(),
        )
        return context


class MeetingCreateView(ObjectCreateView):
    model = Meeting
    form_class = forms.MeetingForm
    permission = "supervision.meeting_add"
    success_message = _("Meeting recorded. Open decisions of earlier meetings are on its agenda; add its own decisions below.")

    def get_initial(self):
        return {"held_at": timezone.localtime().replace(minute=0, second=0, microsecond=0), "chair": None}

    def save(self, form):
        return services.meeting_save(meeting=form.instance, actor=self.request.user, attendees=form.cleaned_data["attendees"])


class MeetingEditView(ObjectEditView):
    model = Meeting
    form_class = forms.MeetingForm
    permission = "supervision.meeting_edit"
    success_message = _("Meeting saved.")

    def save(self, form):
        return services.meeting_save(meeting=form.instance, actor=self.request.user, attendees=form.cleaned_data["attendees"])


class MeetingMinutesView(ObjectDetailView):
    """The minutes (会议纪要) as a DOCX."""

    model = Meeting
    permission = "supervision.view"

    def get_queryset(self):
        return super().get_queryset().select_related("chair__unit", "created_by").prefetch_related(
            "attendees__unit", Prefetch("actions", queryset=action_queryset().order_by("position"))
        )

    def get(self, request, *args, **kwargs):
        meeting = self.get_object()
        carried = list(action_queryset().filter(pk__in=meeting.carried_over().values("pk")).order_by("meeting__held_at", "position"))
        return documents.docx_response(documents.meeting_minutes(meeting, carried), f"{meeting.year}-{meeting.serial}-minutes.docx")


class MeetingActionListView(ObjectListView):
    model = MeetingAction
    permission = "supervision.view"
    table_class = MeetingActionTable
    filterset_class = MeetingActionFilter
    export_filename = _("meeting-decisions")

    def get_queryset(self):
        return super().get_queryset().select_related("meeting", "owner_unit", "owner", "issue", "plan_task__plan__enterprise")


class MeetingActionCreateView(ObjectCreateView):
    model = MeetingAction
    form_class = forms.MeetingActionForm
    permission = "supervision.meetingaction_add"
    success_message = _("Decision recorded.")

    def dispatch(self, request, *args, **kwargs):
        refusal = self.refuse_early(request)
        if refusal is not None:
            return refusal
        self.meeting = get_object_or_404(access.meetings(request.user), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["meeting"] = self.meeting
        return context

    def save(self, form):
        form.instance.meeting = self.meeting
        return services.meetingaction_save(action=form.instance, actor=self.request.user)

    def get_success_url(self):
        if "another" in self.request.POST:
            return reverse("supervision:meetingaction_add", args=[self.meeting.pk])
        return self.object.get_absolute_url()


class MeetingActionEditView(ObjectEditView):
    model = MeetingAction
    form_class = forms.MeetingActionForm
    permission = "supervision.meetingaction_edit"
    success_message = _("Decision saved.")

    def get_object(self, queryset=None):
        action = super().get_object(queryset)
        if action.status != MeetingAction.Status.OPEN:
            raise PermissionDenied
        return action

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["meeting"] = self.object.meeting
        return context

    def save(self, form):
        return services.meetingaction_save(action=form.instance, actor=self.request.user)


class MeetingActionCloseView(FormTransitionView):
    model = MeetingAction
    form_class = forms.CloseActionForm
    states = (MeetingAction.Status.OPEN,)
    state_message = _("This decision is no longer open; nothing was changed.")
    detail_view = MeetingDetailView

    def show_again(self, obj, form):
        self.form_name = f"close-{obj.pk}"
        view = self.detail_view()
        view.setup(self.request, pk=obj.meeting_id)
        view.object = view.get_object()
        view.bound_forms = {self.form_name: form}
        messages.error(self.request, _("Please correct the decision's result below."))
        return render(self.request, view.get_template_names(), view.get_context_data(object=view.object))


class MeetingActionDoneView(MeetingActionCloseView):
    permission = "supervision.meetingaction_done"
    success_message = _("Decision marked done.")

    def perform(self, obj, data):
        services.meetingaction_done(action=obj, actor=self.request.user, result=data["result"])


class MeetingActionCancelView(MeetingActionCloseView):
    permission = "supervision.meetingaction_cancel"
    success_message = _("Decision cancelled.")

    def perform(self, obj, data):
        services.meetingaction_cancel(action=obj, actor=self.request.user, result=data["result"])


# ---------------------------------------------------------------- notices


class NoticeListView(ObjectListView):
    model = Notice
    permission = "supervision.view"
    table_class = NoticeTable
    filterset_class = NoticeFilter
    export_filename = _("notices")

    def get_queryset(self):
        return super().get_queryset().select_related("unit", "officer", "issuer")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["may_add"] = access.can(self.request.user, "supervision.notice_add")
        return context


class NoticeDetailView(ObjectDetailView):
    model = Notice
    permission = "supervision.view"

    def get_queryset(self):
        return super().get_queryset().select_related("unit", "officer", "issuer").prefetch_related(
            Prefetch("issues", queryset=Issue.objects.select_related("enterprise")), "meetings",
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["may_edit"] = access.can(self.request.user, "supervision.notice_edit", self.object)
        # A linked ledger item the reader may not open is named, not linked.
        visible = set(access.issues(self.request.user).filter(pk__in=[i.pk for i in self.object.issues.all()]).values_list("pk", flat=True))
        context["linked_issues"] = [(issue, issue.pk in visible) for issue in self.object.issues.all()]
        return context


class NoticeCreateView(ObjectCreateView):
    model = Notice
    form_class = forms.NoticeForm
    permission = "supervision.notice_add"
    success_message = _("Notice issued.")

    def get_initial(self):
        initial = super().get_initial()
        for key in ("unit", "kind", "meetings"):
            if self.request.GET.get(key):
                initial[key] = self.request.GET.getlist(key) if key == "meetings" else self.request.GET[key]
        return initial

    def save(self, form):
        data = form.cleaned_data
        return services.notice_save(notice=form.instance, actor=self.request.user, issues=data["issues"], meetings=data["meetings"])


class NoticeEditView(ObjectEditView):
    model = Notice
    form_class = forms.NoticeForm
    permission = "supervision.notice_edit"
    success_message = _("Notice saved.")

    def save(self, form):
        data = form.cleaned_data
        return services.notice_save(notice=form.instance, actor=self.request.user, issues=data["issues"], meetings=data["meetings"])


# ---------------------------------------------------------------- the scoreboard and unit pages


class ScoreboardView(ScopedMixin, TemplateView):
    """Per station and team, for a period: sortable, exportable, every figure linked to its records."""

    model = Unit
    permission = "supervision.view_scoreboard"
    template_name = "supervision/scoreboard.html"

    def get(self, request, *args, **kwargs):
        self.period, self.period_form = period_from(request)
        self.rows = scoreboard.figures(request.user, self.period)
        if request.GET.get("export") == "xlsx":
            return self.export_xlsx()
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        table = ScoreboardTable(self.rows, period=self.period)
        RequestConfig(self.request, paginate=False).configure(table)
        query = {**self.period.query()}
        if self.request.GET.get("sort"):
            query["sort"] = self.request.GET["sort"]
        context.update(
            table=table, period=self.period, form=self.period_form, columns=scoreboard.COLUMNS,
            presets=presets(timezone.localdate()), export_query=urlencode({**query, "export": "xlsx"}),
        )
        return context

    def export_xlsx(self):
        stamp = f"{self.period.since:%Y%m%d}-{self.period.until:%Y%m%d}"
        return FileResponse(
            scoreboard.workbook(self.rows, self.period), as_attachment=True, filename=f"scoreboard-{stamp}.xlsx",
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )


class ScoreboardRecordsView(ScopedMixin, TemplateView):
    """The records behind one unit's figure on the scoreboard (or on its unit page)."""

    model = Unit
    permission = "supervision.view"
    template_name = "supervision/scoreboard_records.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        unit = get_object_or_404(access.assessed_units(self.request.user), pk=self.kwargs["pk"])
        kind = self.kwargs["kind"]
        if kind not in scoreboard.RECORD_KINDS:
            raise Http404
        period, form = period_from(self.request)
        rows = scoreboard.records(self.request.user, unit, kind, period)
        rows = list(rows)
        context.update(
            unit=unit, kind=kind, period=period, form=form, rows=rows, count=len(rows),
            columns=[c for c in scoreboard.COLUMNS if c.records == kind],
            back=reverse("supervision:scoreboard") + "?" + urlencode(period.query()),
        )
        return context


class UnitDetailView(ScopedMixin, TemplateView):
    """A station's or team's page: its notices and its scoreboard figures for a period."""

    model = Unit
    permission = "supervision.view"
    template_name = "supervision/unit_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        units = access.assessed_units(user)
        unit = get_object_or_404(units, pk=self.kwargs["pk"])
        period, form = period_from(self.request)
        row = scoreboard.figures(user, period, unit=unit)[0]
        table = ScoreboardTable([row], period=period, orderable=False)
        context.update(
            unit=unit, period=period, form=form, table=table, columns=scoreboard.COLUMNS, presets=presets(timezone.localdate()),
            notices=access.notices(user).filter(unit=unit).select_related("officer", "issuer").order_by("-issued_on", "-pk")[:50],
            open_actions=action_queryset().filter(owner_unit=unit, status=MeetingAction.Status.OPEN).order_by("deadline")[:50],
            awaiting_reply=access.referrals(user).filter(assigned_unit=unit, status=S.ASSIGNED).select_related("enterprise").order_by("reply_deadline")[:50],
            may_issue_notice=access.can(user, "supervision.notice_add"),
            may_see_scoreboard=access.can(user, "supervision.view_scoreboard"),
        )
        return context
