import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Prefetch, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext
from django.views.generic import FormView, TemplateView, View
from django_tables2 import MultiTableMixin

from enterprises import dossier, filedoc, services, timetable
from enterprises.filters import EnterpriseFilter, PlanFilter, PlanTaskFilter
from enterprises.forms import (
    AssignmentEndForm,
    AssignmentForm,
    AttachmentForm,
    AttachmentRemoveForm,
    EnterpriseContactForm,
    EnterpriseForm,
    PlanApproveForm,
    PlanCloseForm,
    PlanForm,
    PlanTaskForm,
    TaskCompleteForm,
)
from enterprises.models import Assignment, Attachment, Enterprise, Plan, PlanTask
from enterprises.tables import EnterpriseTable, PlanTable, PlanTaskTable, UnplannedEnterpriseTable
from liaison import access, uploads
from liaison.views import (
    ObjectCreateView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    OneTimeSubmitMixin,
    ScopedMixin,
    TransitionView,
)
from visits.models import IssuePhoto, VisitPhoto


def with_community_officer(queryset):
    # At most one row (a unique constraint): no ordering, which would otherwise join the enterprise to sort by name.
    current = Assignment.objects.filter(
        enterprise=OuterRef("pk"), kind=Assignment.Kind.OFFICER, ended_on__isnull=True
    ).order_by().values("officer__name")[:1]
    return queryset.select_related("station").annotate(community_officer=Subquery(current))


class EnterpriseListView(ObjectListView):
    model = Enterprise
    permission = "enterprises.view"
    export_permission = "enterprises.export"
    table_class = EnterpriseTable
    filterset_class = EnterpriseFilter
    export_filename = _("enterprises")
    # Only the table paginates: ListView's own pagination of the same rows would run a second COUNT.
    paginate_by = None
    table_pagination = {"per_page": 25}

    def get_queryset(self):
        return with_community_officer(super().get_queryset())


class EnterpriseDetailView(ObjectDetailView):
    model = Enterprise
    permission = "enterprises.view"

    def get_queryset(self):
        assignments = Assignment.objects.select_related("officer__unit", "team").order_by("-ended_on", "kind", "-started_on")
        return super().get_queryset().select_related("station", "created_by").prefetch_related(
            Prefetch("assignments", queryset=assignments)
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        assignments = list(self.object.assignments.all())
        context.update(
            current_assignments=[a for a in assignments if a.is_current],
            past_assignments=[a for a in assignments if not a.is_current],
            may_edit=access.can(user, "enterprises.edit", self.object),
            may_edit_contact=access.can(user, "enterprises.edit_contact", self.object),
            may_assign=access.can(user, "enterprises.manage_assignments", self.object),
        )
        # The file's tabs: only the open one builds its rows.
        tabs = dossier.tabs(self.request, self.object)
        requested = self.request.GET.get("tab", "")
        active = next((t for t in tabs if t.key == requested), tabs[0])
        tab_context = active.context() if callable(active.context) else dict(active.context)
        context.update(tab_context)
        context.update(tabs=tabs, active_tab=active, tab=active)
        return context


class EnterpriseCreateView(ObjectCreateView):
    model = Enterprise
    form_class = EnterpriseForm
    permission = "enterprises.add"
    success_message = _("Enterprise saved.")

    def save(self, form):
        return services.enterprise_save(enterprise=form.instance, actor=self.request.user)


class EnterpriseEditView(ObjectEditView):
    model = Enterprise
    form_class = EnterpriseForm
    permission = "enterprises.edit"
    success_message = _("Enterprise saved.")

    def save(self, form):
        return services.enterprise_save(enterprise=form.instance, actor=self.request.user)


class EnterpriseContactEditView(EnterpriseEditView):
    form_class = EnterpriseContactForm
    permission = "enterprises.edit_contact"
    template_name = "enterprises/enterprise_contact_form.html"
    success_message = _("Contact details saved.")


class EnterpriseCloseView(TransitionView):
    model = Enterprise
    permission = "enterprises.edit"
    success_message = _("The enterprise is marked closed; its file is kept.")

    def perform(self, obj, data):
        services.enterprise_close(enterprise=obj, actor=self.request.user)


class EnterpriseReopenView(TransitionView):
    model = Enterprise
    permission = "enterprises.edit"
    success_message = _("The enterprise is active again.")

    def perform(self, obj, data):
        services.enterprise_reopen(enterprise=obj, actor=self.request.user)


class AssignmentCreateView(OneTimeSubmitMixin, ScopedMixin, FormView):
    """Assign (or re-assign) an officer, leader or team to one enterprise."""

    model = Enterprise
    permission = "enterprises.manage_assignments"
    form_class = AssignmentForm
    template_name = "enterprises/assignment_form.html"

    def dispatch(self, request, *args, **kwargs):
        refusal = self.refuse_early(request)
        if refusal is not None:
            return refusal
        self.enterprise = get_object_or_404(access.enterprises(request.user), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        return {"kind": self.request.GET.get("kind", Assignment.Kind.OFFICER)}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["enterprise"] = self.enterprise
        context["current_officer"] = self.enterprise.assignments.filter(
            kind=Assignment.Kind.OFFICER, ended_on__isnull=True
        ).select_related("officer").first()
        return context

    def form_valid(self, form):
        from django.contrib import messages
        from django.core.exceptions import ValidationError
        from django.db import transaction
        from django.http import HttpResponseRedirect

        try:
            with transaction.atomic():
                token = self.claim_token()
                if token is False:
                    return self.already_submitted()
                services.assignment_assign(
                    enterprise=self.enterprise,
                    kind=form.cleaned_data["kind"],
                    officer=form.cleaned_data.get("officer"),
                    team=form.cleaned_data.get("team"),
                    started_on=form.cleaned_data.get("started_on"),
                    actor=self.request.user,
                )
                if token:
                    token.result_url = self.enterprise.get_absolute_url()
                    token.save(update_fields=["result_url"])
        except ValidationError as error:
            for field, msgs in getattr(error, "message_dict", {None: error.messages}).items():
                for msg in msgs:
                    form.add_error(field if field in form.fields else None, msg)
            return self.form_invalid(form)
        messages.success(self.request, _("Assignment saved."))
        return HttpResponseRedirect(self.enterprise.get_absolute_url())


class AssignmentEndView(TransitionView):
    model = Assignment
    permission = "enterprises.manage_assignments"
    form_class = AssignmentEndForm
    success_message = _("Assignment ended; it stays in the history.")

    def perform(self, obj, data):
        services.assignment_end(assignment=obj, actor=self.request.user, reason=data.get("reason", ""))

    def redirect_url(self, obj):
        return reverse("enterprises:enterprise_detail", args=[obj.enterprise_id])


# ================================================================ the file: print, Word document, photos


class EnterprisePrintView(ObjectDetailView):
    """Every section of the file on one page, laid out for paper."""

    model = Enterprise
    permission = "enterprises.file_download"
    template_name = "enterprises/enterprise_print.html"

    def get_queryset(self):
        return super().get_queryset().select_related("station")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        enterprise = self.object
        request = self.request
        context.update(dossier.plan_context(request, enterprise))
        context.update(dossier.documents_context(request, enterprise))
        # The plan in force, or else the latest draft (marked as such).
        context["file_plan"] = context["current_plan"] or next(iter(context["draft_plans"]), None)
        context.update(
            current_assignments=enterprise.assignments.filter(ended_on__isnull=True).select_related("officer__unit", "team"),
            visits=dossier.visits_queryset(enterprise).order_by("visited_at", "pk"),
            issues=dossier.issues_queryset(enterprise).order_by("year", "serial"),
            photos=dossier.attach_refs([dossier.Photo(*row) for row in dossier.photos_queryset(enterprise)]),
            printed_at=timezone.now(),
        )
        return context


class EnterpriseFileView(ScopedMixin, View):
    """The whole file as one Word document, streamed from a temporary file."""

    model = Enterprise
    permission = "enterprises.file_download"
    http_method_names = ["get", "head"]

    def get(self, request, pk):
        enterprise = get_object_or_404(self.scoped_queryset(), pk=pk)
        handle = filedoc.build(enterprise, request.user)
        stamp = timezone.localtime().strftime("%Y%m%d")
        label = pgettext("download name", "enterprise file")
        response = FileResponse(
            handle, as_attachment=True, filename=f"{enterprise.name}-{label}-{stamp}.docx",
            content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response


class DossierPhotoView(ScopedMixin, View):
    """A visit or ledger photo (or its thumbnail) for the file's pages, once the enterprise is in scope."""

    permission = "enterprises.view"
    http_method_names = ["get", "head"]
    SOURCES = {"visit": (VisitPhoto, "visit__enterprise__in"), "issue": (IssuePhoto, "issue__enterprise__in")}

    def get(self, request, source, pk):
        if source not in self.SOURCES:
            raise Http404
        model, path = self.SOURCES[source]
        photo = get_object_or_404(model.objects.filter(**{path: access.enterprises(request.user).values("pk")}), pk=pk)
        field = photo.thumbnail if request.GET.get("size") == "thumb" and photo.thumbnail else photo.image
        return uploads.file_response(field, f"{source}-{photo.pk}.{field.name.rsplit('.', 1)[-1]}", inline=True)


# ================================================================ plans (一企一策)


def with_task_counts(queryset):
    """Open and overdue tasks of each plan, counted per row shown.

    Correlated subqueries rather than a join with GROUP BY: grouped, the database counts the tasks of every
    plan in the city (16,000 plans, 75,000 tasks) before it can sort and keep a page of 25.
    """
    today = timezone.localdate()
    open_tasks = PlanTask.objects.filter(plan=OuterRef("pk"), done_at__isnull=True).order_by().values("plan")

    def counted(tasks):
        return Coalesce(Subquery(tasks.annotate(n=Count("*")).values("n")[:1], output_field=IntegerField()), 0)

    return queryset.annotate(
        tasks_open=counted(open_tasks),
        tasks_overdue=Case(
            When(status=Plan.Status.APPROVED, then=counted(open_tasks.filter(deadline__lt=today))), default=Value(0)
        ),
    )


class PlanListView(ObjectListView):
    model = Plan
    permission = "enterprises.plan_view"
    export_permission = "enterprises.plan_view"
    table_class = PlanTable
    filterset_class = PlanFilter
    export_filename = _("plans")

    def get_queryset(self):
        return with_task_counts(super().get_queryset().select_related("enterprise__station")).order_by(
            "enterprise__name", "-created_at"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["may_overview"] = access.can(self.request.user, "enterprises.plan_overview")
        return context


class PlanDetailView(ObjectDetailView):
    model = Plan
    permission = "enterprises.plan_view"

    def get_queryset(self):
        tasks = PlanTask.objects.select_related("owner__unit", "done_by").order_by("starts_on", "deadline", "pk")
        return (
            super().get_queryset()
            .select_related("enterprise__station", "created_by", "approved_by", "closed_by", "superseded_by")
            .prefetch_related(Prefetch("tasks", queryset=tasks), "responsible_officers")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plan, user = self.object, self.request.user
        tasks = list(plan.tasks.all())
        may_complete_any = plan.is_approved
        for task in tasks:
            task.may_complete = may_complete_any and not task.is_done and access.can(user, "enterprises.task_complete", task)
            task.may_edit = access.can(user, "enterprises.task_edit", task)
        in_file = access.enterprises(user).filter(pk=plan.enterprise_id).exists()
        context.update(
            tasks=tasks,
            timetable=timetable.build(tasks),
            enterprise_in_scope=in_file,
            may_edit=access.can(user, "enterprises.plan_edit", plan),
            may_approve=plan.is_draft and access.can(user, "enterprises.plan_approve", plan),
            may_close=not plan.is_closed and access.can(user, "enterprises.plan_close", plan),
            may_add_task=access.can(user, "enterprises.task_add", plan),
            may_revise=plan.is_approved and in_file and access.can(user, "enterprises.plan_add", plan.enterprise),
            approved_plan=Plan.objects.filter(enterprise_id=plan.enterprise_id, status=Plan.Status.APPROVED)
            .exclude(pk=plan.pk).first() if plan.is_draft else None,
        )
        return context


class EnterpriseChildCreateView(ObjectCreateView):
    """Creates a record under one enterprise of the user's scope (404 outside it, 403 without the right)."""

    def dispatch(self, request, *args, **kwargs):
        refusal = self.refuse_early(request)
        if refusal is not None:
            return refusal
        self.parent = get_object_or_404(self.get_parent_queryset(), pk=kwargs["pk"])
        if not access.can(request.user, self.permission, self.parent):
            raise PermissionDenied
        return super(ScopedMixin, self).dispatch(request, *args, **kwargs)

    def get_parent_queryset(self):
        return access.enterprises(self.request.user)

    def get_object(self, queryset=None):
        return None

    def get_context_data(self, **kwargs):
        return super().get_context_data(parent=self.parent, **kwargs)


class PlanCreateView(EnterpriseChildCreateView):
    model = Plan
    form_class = PlanForm
    permission = "enterprises.plan_add"
    success_message = _("Plan drafted. Add its tasks, then ask a leader to approve it.")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = Plan(enterprise=self.parent)
        return kwargs

    def get_initial(self):
        current = self.parent.assignments.filter(ended_on__isnull=True, officer__isnull=False).values_list("officer", flat=True)
        return {
            "title": _("Escort plan for %(name)s (%(year)d)") % {"name": self.parent.name, "year": timezone.localdate().year},
            "responsible_officers": list(current),
            "review_on": timezone.localdate() + dt.timedelta(days=180),
        }

    def save(self, form):
        return services.plan_save(
            plan=form.instance, actor=self.request.user, responsible_officers=form.cleaned_data["responsible_officers"]
        )


class PlanReviseView(TransitionView):
    """A new draft copied from an approved plan and its open tasks: how an approved plan is changed."""

    model = Plan
    permission = "enterprises.plan_view"
    success_message = _("A new draft was made from this plan; edit it and ask a leader to approve it.")

    def get_object(self):
        plan = super().get_object()
        if not access.enterprises(self.request.user).filter(pk=plan.enterprise_id).exists():
            raise Http404
        if not access.can(self.request.user, "enterprises.plan_add", plan.enterprise):
            raise PermissionDenied
        return plan

    def perform(self, obj, data):
        if not obj.is_approved:
            raise ValidationError(_("Only an approved plan is revised; edit the draft instead."))
        self.new_plan = services.plan_draft_from(source=obj, actor=self.request.user)

    def redirect_url(self, obj):
        new_plan = getattr(self, "new_plan", None)
        return new_plan.get_absolute_url() if new_plan else obj.get_absolute_url()


class PlanEditView(ObjectEditView):
    model = Plan
    form_class = PlanForm
    permission = "enterprises.plan_edit"
    success_message = _("Plan saved.")

    def save(self, form):
        return services.plan_save(
            plan=form.instance, actor=self.request.user, responsible_officers=form.cleaned_data["responsible_officers"]
        )


class PlanApproveView(TransitionView):
    model = Plan
    permission = "enterprises.plan_approve"
    form_class = PlanApproveForm
    success_message = _("Plan approved.")

    def perform(self, obj, data):
        services.plan_approve(plan=obj, actor=self.request.user, note=data.get("note", ""))


class PlanCloseView(TransitionView):
    model = Plan
    permission = "enterprises.plan_close"
    form_class = PlanCloseForm
    success_message = _("Plan closed; it stays in the file.")

    def perform(self, obj, data):
        services.plan_close(plan=obj, actor=self.request.user, reason=data["reason"])


class PlanOverviewView(ScopedMixin, MultiTableMixin, TemplateView):
    """For the office: active enterprises without an approved plan, and approved plans past their review date."""

    permission = "enterprises.plan_overview"
    template_name = "enterprises/plan_overview.html"
    http_method_names = ["get", "head"]

    def get_tables(self):
        user = self.request.user
        approved = Plan.objects.filter(enterprise=OuterRef("pk"), status=Plan.Status.APPROVED)
        drafts = Plan.objects.filter(enterprise=OuterRef("pk"), status=Plan.Status.DRAFT).order_by().values("enterprise")
        unplanned = with_community_officer(
            access.enterprises(user).filter(status=Enterprise.Status.ACTIVE).filter(~Exists(approved))
        ).annotate(
            draft_count=Coalesce(Subquery(drafts.annotate(n=Count("*")).values("n")[:1], output_field=IntegerField()), 0)
        )
        overdue = with_task_counts(
            access.scope(user, Plan).filter(status=Plan.Status.APPROVED, review_on__lt=timezone.localdate())
            .select_related("enterprise__station")
        ).order_by("review_on")
        return [UnplannedEnterpriseTable(unplanned), PlanTable(overdue, prefix="r-", order_by=("review_on",))]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["unplanned_table"], context["review_table"] = context["tables"]
        return context


# ================================================================ tasks (节点化)


class TaskListView(ObjectListView):
    model = PlanTask
    permission = "enterprises.plan_view"
    export_permission = "enterprises.plan_view"
    table_class = PlanTaskTable
    filterset_class = PlanTaskFilter
    export_filename = _("plan tasks")

    def get_queryset(self):
        return super().get_queryset().select_related("plan__enterprise", "owner")


class TaskCreateView(EnterpriseChildCreateView):
    model = PlanTask
    form_class = PlanTaskForm
    permission = "enterprises.task_add"
    template_name = "enterprises/plantask_form.html"
    success_message = _("Task saved.")

    def get_parent_queryset(self):
        return access.scope(self.request.user, Plan).select_related("enterprise")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = PlanTask(plan=self.parent)
        return kwargs

    def get_initial(self):
        officer = self.parent.enterprise.assignments.filter(
            ended_on__isnull=True, kind=Assignment.Kind.OFFICER
        ).values_list("officer", flat=True).first()
        return {"starts_on": timezone.localdate(), "owner": officer, "workdays": 5}

    def save(self, form):
        return services.task_save(task=form.instance, actor=self.request.user)


class TaskEditView(ObjectEditView):
    model = PlanTask
    form_class = PlanTaskForm
    permission = "enterprises.task_edit"
    template_name = "enterprises/plantask_form.html"
    success_message = _("Task saved.")

    def get_context_data(self, **kwargs):
        return super().get_context_data(parent=self.object.plan, **kwargs)

    def save(self, form):
        return services.task_save(task=form.instance, actor=self.request.user)


class TaskCompleteView(TransitionView):
    model = PlanTask
    permission = "enterprises.task_complete"
    form_class = TaskCompleteForm
    success_message = _("Task marked done.")

    def perform(self, obj, data):
        services.task_complete(task=obj, actor=self.request.user, note=data["completion_note"])


# ================================================================ attachments


class AttachmentCreateView(OneTimeSubmitMixin, ScopedMixin, FormView):
    model = Attachment
    permission = "enterprises.attachment_add"
    form_class = AttachmentForm
    template_name = "enterprises/attachment_form.html"

    def dispatch(self, request, *args, **kwargs):
        refusal = self.refuse_early(request)
        if refusal is not None:
            return refusal
        self.enterprise = get_object_or_404(access.enterprises(request.user), pk=kwargs["pk"])
        if not access.can(request.user, self.permission, self.enterprise):
            raise PermissionDenied
        return FormView.dispatch(self, request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "enterprise": self.enterprise}

    def get_initial(self):
        initial = {"kind": self.request.GET.get("kind", Attachment.Kind.COMMITMENT)}
        for name in ("visit", "issue"):
            if self.request.GET.get(name, "").isdigit():
                initial[name] = int(self.request.GET[name])
        return initial

    def get_context_data(self, **kwargs):
        return super().get_context_data(enterprise=self.enterprise, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            with transaction.atomic():
                token = self.claim_token()
                if token is False:
                    # Look the first submit up before rolling back: no query runs after set_rollback.
                    response = self.already_submitted()
                    transaction.set_rollback(True)
                    return response
                attachment = services.attachment_add(
                    enterprise=self.enterprise, actor=self.request.user, upload=data["file"], kind=data["kind"],
                    title=data["title"], document_date=data.get("document_date"), visit=data.get("visit"),
                    issue=data.get("issue"),
                )
                if token:
                    token.result_url = attachment.get_absolute_url()
                    token.save(update_fields=["result_url"])
        except ValidationError as error:
            for field, msgs in getattr(error, "message_dict", {None: error.messages}).items():
                for msg in msgs:
                    form.add_error(field if field in form.fields else None, msg)
            return self.form_invalid(form)
        messages.success(self.request, _("Document added to the file."))
        return HttpResponseRedirect(attachment.get_absolute_url())


class AttachmentDownloadView(ScopedMixin, View):
    model = Attachment
    permission = "enterprises.attachment_download"
    http_method_names = ["get", "head"]

    def get(self, request, pk):
        attachment = get_object_or_404(self.scoped_queryset().filter(removed_at__isnull=True), pk=pk)
        return uploads.file_response(attachment.file, attachment.download_name)


class AttachmentRemoveView(TransitionView):
    model = Attachment
    permission = "enterprises.attachment_remove"
    form_class = AttachmentRemoveForm
    success_message = _("Document removed from the file; the record of it stays.")

    def perform(self, obj, data):
        services.attachment_remove(attachment=obj, actor=self.request.user, reason=data["reason"])
