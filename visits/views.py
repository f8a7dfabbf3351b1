import datetime as dt
import uuid

from auditlog.models import LogEntry
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, OuterRef, Prefetch, Subquery
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views import View

from liaison import access, workdays
from liaison.uploads import file_response
from liaison.views import (
    ObjectCreateView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    OneTimeSubmitMixin,
    ScopedMixin,
    TransitionView,
    error_messages,
)
from visits import deadlines, forms, services
from visits.filters import IssueFilter, VisitFilter
from visits.models import Issue, IssuePhoto, IssueRequest, IssueUpdate, Visit, VisitPhoto
from visits.tables import IssueExportTable, IssueTable, VisitTable

# ---------------------------------------------------------------- visits


class VisitListView(ObjectListView):
    model = Visit
    permission = "visits.view"
    export_permission = "visits.export"
    table_class = VisitTable
    filterset_class = VisitFilter
    export_filename = _("visits")

    def get_queryset(self):
        problems = Issue.objects.filter(visit=OuterRef("pk")).order_by().values("visit").annotate(n=Count("pk")).values("n")
        photos = VisitPhoto.objects.filter(visit=OuterRef("pk")).order_by().values("visit").annotate(n=Count("pk")).values("n")
        # Of the related records the log and its export show only the names (as the ledger, below).
        own = [field.attname for field in Visit._meta.concrete_fields]
        return (
            super().get_queryset()
            .select_related("enterprise__station", "author")
            .only(*own, "enterprise__name", "enterprise__station__name", "author__name")
            .annotate(problem_count=Subquery(problems), photo_count=Subquery(photos))
        )


class ProblemFormsetMixin:
    """The visit form and its problems (a formset) are validated and saved together."""

    def get_formset(self):
        if self.request.method == "POST":
            return forms.ProblemFormSet(self.request.POST, prefix="problems", form_kwargs={"user": self.request.user})
        return forms.ProblemFormSet(prefix="problems", form_kwargs={"user": self.request.user})

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["problems"] = getattr(self, "formset", None) or self.get_formset()
        return context


class VisitCreateView(ProblemFormsetMixin, ObjectCreateView):
    model = Visit
    form_class = forms.VisitForm
    permission = "visits.add"
    success_message = _("Visit recorded.")

    def dispatch(self, request, *args, **kwargs):
        self.enterprise = None
        pk = request.GET.get("enterprise", "")
        if pk and request.user.is_authenticated and access.can(request.user, "liaison.use"):
            if not pk.isdigit():
                raise Http404
            self.enterprise = get_object_or_404(access.enterprises(request.user), pk=pk)
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        initial = super().get_initial()
        if self.enterprise is not None:
            initial["enterprise"] = self.enterprise.pk
        return initial

    def post(self, request, *args, **kwargs):
        self.object = None
        form = self.get_form()
        self.formset = self.get_formset()
        if form.is_valid() and self.formset.is_valid():
            return self.form_valid(form)
        return self.form_invalid(form)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["enterprise"] = self.enterprise
        return context

    def save(self, form):
        return services.visit_record(
            actor=self.request.user,
            enterprise=form.cleaned_data["enterprise"],
            officers=form.cleaned_data.get("officers") or (),
            photos=form.cleaned_data.get("photos") or (),
            problems=self.formset.problems(),
            **form.visit_fields(),
        )


class VisitDetailView(ObjectDetailView):
    model = Visit
    permission = "visits.view"

    def get_queryset(self):
        issues = Issue.objects.with_light().select_related("responsible_unit", "owner")
        return super().get_queryset().select_related("enterprise__station", "author", "created_by").prefetch_related(
            "officers__unit", "photos", Prefetch("issues", queryset=issues)
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        visit = self.object
        # The officers (m2m) are added in the transaction that records the visit: an audit "update" seconds
        # after creation is part of recording it, not a correction.
        changes = (
            LogEntry.objects.get_for_object(visit)
            .filter(action=LogEntry.Action.UPDATE, timestamp__gt=visit.created_at + dt.timedelta(seconds=5))
            .select_related("actor")
        )
        context.update(
            may_edit=access.can(self.request.user, "visits.edit", visit),
            corrections=list(changes.order_by("-timestamp")[:20]),
        )
        return context


class VisitEditView(ObjectEditView):
    model = Visit
    form_class = forms.VisitEditForm
    permission = "visits.edit"
    success_message = _("Visit corrected.")

    def get_queryset(self):
        return super().get_queryset().select_related("enterprise")

    def save(self, form):
        return services.visit_update(
            visit=self.object,
            actor=self.request.user,
            changes=form.visit_fields(),
            officers=form.cleaned_data.get("officers") or (),
            photos=form.cleaned_data.get("photos") or (),
        )


class PhotoView(ScopedMixin, View):
    """A stored photo (or its thumbnail with ?size=thumb), only for users who may see its visit or item."""

    http_method_names = ["get", "head"]

    def get(self, request, pk):
        photo = get_object_or_404(self.scoped_queryset(), pk=pk)
        thumb = request.GET.get("size") == "thumb"
        field = photo.thumbnail if thumb else photo.image
        if not field:
            raise Http404
        ext = field.name.rsplit(".", 1)[-1] if "." in field.name else "jpg"
        return file_response(field, f"{self.download_prefix(photo)}-{photo.pk}{'-thumb' if thumb else ''}.{ext}", inline=True)


class VisitPhotoView(PhotoView):
    model = VisitPhoto
    permission = "visits.view"

    def download_prefix(self, photo):
        return "visit"


class IssuePhotoView(PhotoView):
    model = IssuePhoto
    permission = "visits.issue_view"

    def download_prefix(self, photo):
        return "ledger"


# ---------------------------------------------------------------- the ledger


def office_calendar_warning(user, *dates):
    """Years counted Monday–Friday because no calendar covers them: the office is told to fill them in."""
    if not access.is_office(user):
        return []
    today = timezone.localdate()
    return deadlines.uncovered_years(today, deadlines.deadline_from(today, 20), *dates)


class IssueListView(ObjectListView):
    model = Issue
    permission = "visits.issue_view"
    export_permission = "visits.issue_export"
    table_class = IssueTable
    filterset_class = IssueFilter
    export_filename = _("ledger")

    def get_queryset(self):
        # Of the related records the list and the export show only the names: a city's page of 100 rows
        # would otherwise build 300 whole enterprises, units and people.
        own = [field.attname for field in Issue._meta.concrete_fields]
        return (
            super().get_queryset()
            .select_related("enterprise", "responsible_unit", "owner")
            .only(*own, "enterprise__name", "responsible_unit__name", "owner__name")
            .with_light()
            .with_note_due()
        )

    def get_table_kwargs(self):
        if access.can(self.request.user, "visits.issue_bulk_assign"):
            return {}
        return {"exclude": ("issues",)}

    def get_export_table(self):
        filterset = self.get_filterset(self.get_filterset_class())
        queryset = filterset.qs if filterset.is_valid() else filterset.queryset.none()
        latest = IssueUpdate.objects.filter(issue=OuterRef("pk")).exclude(text="").order_by("-at", "-pk").values("text")[:1]
        return IssueExportTable(queryset.annotate(latest_note=Subquery(latest)))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["may_export"] = access.can(user, "visits.issue_export")
        context["submit_token"] = uuid.uuid4().hex
        if access.can(user, "visits.issue_bulk_assign"):
            context["bulk_form"] = forms.BulkAssignForm(user=user)
        # Only deadlines in years no published calendar covers can need the warning (and this reads few rows).
        unannounced = dt.date(workdays.first_unannounced_year(timezone.localdate().year), 1, 1)
        years = Issue.objects.open().filter(deadline__gte=unannounced).dates("deadline", "year")
        context["uncovered_years"] = office_calendar_warning(user, *years)
        return context


class IssueCreateView(ObjectCreateView):
    model = Issue
    form_class = forms.IssueForm
    permission = "visits.issue_add"
    success_message = _("Ledger item registered.")

    def get_initial(self):
        initial = super().get_initial()
        pk = self.request.GET.get("enterprise", "")
        if pk.isdigit():
            initial["enterprise"] = pk
        return initial

    def save(self, form):
        data = form.cleaned_data
        return services.issue_register(
            actor=self.request.user, enterprise=data["enterprise"], category=data["category"],
            description=data["description"], take_on=bool(data.get("take_on")),
        )


# Each action: (URL suffix, form, label, button style). The order is the order on the item's page.
ACTIONS = {
    "accept": (forms.AcceptForm, _("Accept"), "primary"),
    "progress": (forms.ProgressForm, _("Report progress"), "primary"),
    "resolve": (forms.ResolveForm, _("Report rectified"), "success"),
    "close": (forms.CloseForm, _("Verify and close"), "success"),
    "reject": (forms.ReasonForm, _("Verification failed"), "warning"),
    "assign": (forms.AssignForm, pgettext_lazy("ledger action", "Assign"), "primary"),
    "satisfaction": (forms.SatisfactionForm, _("Record the call-back"), "primary"),
    "extension_request": (forms.ExtensionRequestForm, _("Request an extension"), "outline-secondary"),
    "extension_approve": (forms.ExtensionApproveForm, _("Approve the extension"), "success"),
    "extension_refuse": (forms.NoteForm, _("Refuse the extension"), "outline-danger"),
    "return": (forms.ReasonForm, _("Return: not ours"), "outline-warning"),
    "transfer": (forms.TransferForm, _("Transfer to another authority"), "outline-secondary"),
    "unable_request": (forms.ReasonForm, _("Ask to sign off “cannot be handled”"), "outline-secondary"),
    "unable": (forms.OptionalReasonForm, _("Sign off “cannot be handled”"), "outline-danger"),
    "unable_refuse": (forms.NoteForm, _("Refuse “cannot be handled”"), "outline-secondary"),
    "supervise": (forms.SuperviseForm, _("Supervision"), "outline-danger"),
    "reopen": (forms.ReopenForm, pgettext_lazy("ledger action", "Reopen"), "outline-warning"),
}
NEEDS_PENDING = {
    "extension_approve": IssueRequest.Kind.EXTENSION,
    "extension_refuse": IssueRequest.Kind.EXTENSION,
    "unable_refuse": IssueRequest.Kind.UNABLE,
}
DRAFT_KEY = "issue-draft-{pk}"


def available_actions(user, issue, pending_kinds):
    """The actions this user may take on this item now (permission and state)."""
    names = []
    for name in ACTIONS:
        if issue.status not in services.ALLOWED_FROM[name]:
            continue
        if name in NEEDS_PENDING and NEEDS_PENDING[name] not in pending_kinds:
            continue
        if name == "unable_request" and IssueRequest.Kind.UNABLE in pending_kinds:
            continue
        if name == "extension_request" and (IssueRequest.Kind.EXTENSION in pending_kinds or not issue.deadline
                                            or issue.deadline < timezone.localdate()):
            continue
        if access.can(user, f"visits.issue_{name}", issue):
            names.append(name)
    return names


class IssueDetailView(ObjectDetailView):
    model = Issue
    permission = "visits.issue_view"

    def get_queryset(self):
        updates = IssueUpdate.objects.select_related("actor__unit").prefetch_related("photos")
        return (
            super().get_queryset()
            .with_light()
            .with_note_due()
            .select_related("enterprise__station", "visit", "responsible_unit", "owner", "closed_by", "created_by")
            .prefetch_related(
                Prefetch("updates", queryset=updates),
                Prefetch("requests", queryset=IssueRequest.objects.select_related("created_by", "decided_by")),
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, issue = self.request.user, self.object
        requests = list(issue.requests.all())
        pending = {r.kind: r for r in requests if r.status == IssueRequest.Status.PENDING}
        draft = self.request.session.pop(DRAFT_KEY.format(pk=issue.pk), None)
        actions = []
        for name in available_actions(user, issue, set(pending)):
            form_class, label, style = ACTIONS[name]
            initial = {}
            if draft and draft.get("action") == name:
                initial = {k: v for k, v in draft.get("data", {}).items() if k != "version"}
            form = form_class(user=user, instance_for=issue, initial=initial)
            if name == "extension_approve":
                form.fields["new_deadline"].widget.attrs["placeholder"] = pending[IssueRequest.Kind.EXTENSION].proposed_deadline
            actions.append({
                "name": name, "label": label, "style": style, "form": form,
                "url": reverse(f"visits:issue_{name}", args=[issue.pk]),
                "open": bool(draft and draft.get("action") == name),
            })
        context.update(
            submit_token=uuid.uuid4().hex,
            actions=actions,
            pending=pending,
            requests=requests,
            timeline=list(issue.updates.all()),
            comment_form=forms.CommentForm(user=user) if access.can(user, "visits.issue_comment", issue) else None,
            uncovered_years=deadlines.uncovered_years(issue.deadline) if issue.deadline else [],
            office_warning=office_calendar_warning(user, issue.deadline),
        )
        return context


class IssueActionView(OneTimeSubmitMixin, TransitionView):
    """POST-only: one ledger transition, one service call. A refused form keeps what was typed (in the session)."""

    model = Issue
    action = ""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.permission = f"visits.issue_{self.action}"
        self.form_class = ACTIONS[self.action][0] if self.action in ACTIONS else self.form_class

    def perform(self, obj, data):
        raise NotImplementedError

    def keep_draft(self, obj, form):
        data = {name: form.data.get(name) for name in form.fields if name != "photos" and form.data.get(name) is not None}
        self.request.session[DRAFT_KEY.format(pk=obj.pk)] = {"action": self.action, "data": data}

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        form = self.form_class(request.POST, request.FILES, user=request.user, instance_for=obj)
        if form.is_valid():
            try:
                with transaction.atomic():
                    token = self.claim_token()
                    if token is False:
                        return self.already_submitted()
                    self.perform(obj, form.cleaned_data)
                    if token:
                        token.result_url = obj.get_absolute_url()
                        token.save(update_fields=["result_url"])
            except ValidationError as error:
                for msg in error_messages(error):
                    messages.error(request, msg)
            else:
                if self.success_message:
                    messages.success(request, self.success_message)
                return HttpResponseRedirect(self.redirect_url(obj))
        else:
            for field, msgs in form.errors.items():
                label = form.fields[field].label if field in form.fields and field != "version" else ""
                for msg in msgs:
                    messages.error(request, f"{label}: {msg}" if label else msg)
        self.keep_draft(obj, form)
        return HttpResponseRedirect(self.redirect_url(obj))


def _version(data):
    return data.get("version")


class IssueAssignView(IssueActionView):
    action = "assign"
    success_message = _("Assigned.")

    def perform(self, obj, data):
        services.issue_assign(
            issue=obj, actor=self.request.user, responsible_unit=data["responsible_unit"], owner=data.get("owner"),
            time_limit_days=data.get("time_limit_days"), measures=data.get("measures", ""), note=data.get("note", ""),
            expected_version=_version(data),
        )


class IssueAcceptView(IssueActionView):
    action = "accept"
    success_message = _("Accepted: the deadline clock has started.")

    def perform(self, obj, data):
        services.issue_accept(issue=obj, actor=self.request.user, measures=data.get("measures", ""),
                              expected_version=_version(data))


class IssueProgressView(IssueActionView):
    action = "progress"
    success_message = _("Progress recorded.")

    def perform(self, obj, data):
        services.issue_progress(issue=obj, actor=self.request.user, text=data["text"],
                                partly_fixed=data.get("partly_fixed", False), photos=data.get("photos") or (),
                                expected_version=_version(data))


class IssueResolveView(IssueActionView):
    action = "resolve"
    success_message = _("Rectification reported; the office will verify it.")

    def perform(self, obj, data):
        services.issue_resolve(issue=obj, actor=self.request.user, evidence=data["evidence"],
                               photos=data.get("photos") or (), expected_version=_version(data))


class IssueCloseView(IssueActionView):
    action = "close"
    success_message = _("Verified and closed.")

    def perform(self, obj, data):
        services.issue_close(issue=obj, actor=self.request.user, note=data.get("note", ""),
                             satisfaction=data.get("satisfaction", ""), expected_version=_version(data))


class IssueRejectView(IssueActionView):
    action = "reject"
    success_message = _("Sent back for more work.")

    def perform(self, obj, data):
        services.issue_reject(issue=obj, actor=self.request.user, reason=data["reason"], expected_version=_version(data))


class IssueReopenView(IssueActionView):
    action = "reopen"
    success_message = _("Reopened.")

    def perform(self, obj, data):
        services.issue_reopen(issue=obj, actor=self.request.user, reason=data["reason"],
                              time_limit_days=data.get("time_limit_days"), expected_version=_version(data))


class IssueReturnView(IssueActionView):
    action = "return"
    success_message = _("Returned to the office.")

    def perform(self, obj, data):
        services.issue_return(issue=obj, actor=self.request.user, reason=data["reason"], expected_version=_version(data))


class IssueTransferView(IssueActionView):
    action = "transfer"
    success_message = _("Transferred.")

    def perform(self, obj, data):
        services.issue_transfer(issue=obj, actor=self.request.user, receiving_authority=data["receiving_authority"],
                                reason=data.get("reason", ""), expected_version=_version(data))


class IssueUnableRequestView(IssueActionView):
    action = "unable_request"
    success_message = _("Sent to the office for sign-off.")

    def perform(self, obj, data):
        services.issue_unable_request(issue=obj, actor=self.request.user, reason=data["reason"],
                                      expected_version=_version(data))


class IssueUnableView(IssueActionView):
    action = "unable"
    success_message = _("Signed off: cannot be handled.")

    def perform(self, obj, data):
        services.issue_unable(issue=obj, actor=self.request.user, reason=data.get("reason", ""),
                              expected_version=_version(data))


class IssueUnableRefuseView(IssueActionView):
    action = "unable_refuse"
    success_message = _("Request refused.")

    def perform(self, obj, data):
        services.issue_unable_refuse(issue=obj, actor=self.request.user, note=data["note"], expected_version=_version(data))


class IssueExtensionRequestView(IssueActionView):
    action = "extension_request"
    success_message = _("Extension requested; the office decides.")

    def perform(self, obj, data):
        services.issue_extension_request(issue=obj, actor=self.request.user, new_deadline=data["new_deadline"],
                                         reason=data["reason"], expected_version=_version(data))


class IssueExtensionApproveView(IssueActionView):
    action = "extension_approve"
    success_message = _("Extension approved.")

    def perform(self, obj, data):
        services.issue_extension_approve(issue=obj, actor=self.request.user, new_deadline=data.get("new_deadline"),
                                         note=data.get("note", ""), expected_version=_version(data))


class IssueExtensionRefuseView(IssueActionView):
    action = "extension_refuse"
    success_message = _("Extension refused.")

    def perform(self, obj, data):
        services.issue_extension_refuse(issue=obj, actor=self.request.user, note=data["note"],
                                        expected_version=_version(data))


class IssueSuperviseView(IssueActionView):
    action = "supervise"
    success_message = _("Supervision updated.")

    def perform(self, obj, data):
        services.issue_supervise(issue=obj, actor=self.request.user, level=data.get("level", ""),
                                 instruction=data.get("instruction", ""), expected_version=_version(data))


class IssueSatisfactionView(IssueActionView):
    action = "satisfaction"
    success_message = _("Call-back recorded.")

    def perform(self, obj, data):
        services.issue_satisfaction(issue=obj, actor=self.request.user, satisfaction=data["satisfaction"],
                                    note=data.get("note", ""), expected_version=_version(data))


class IssueCommentView(IssueActionView):
    action = "comment"
    form_class = forms.CommentForm
    success_message = _("Remark added.")

    def perform(self, obj, data):
        services.issue_comment(issue=obj, actor=self.request.user, text=data["text"], photos=data.get("photos") or ())


class IssueBulkAssignView(OneTimeSubmitMixin, ScopedMixin, View):
    """POST-only: the office assigns the ticked items of the ledger list at once."""

    model = Issue
    permission = "visits.issue_bulk_assign"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = forms.BulkAssignForm(request.POST, user=request.user)
        target = reverse("visits:issue_list")
        back = request.POST.get("next", "")
        if back.startswith("?"):
            target = f"{target}{back}"
        if not form.is_valid():
            for field, msgs in form.errors.items():
                label = form.fields[field].label if field in form.fields else ""
                for msg in msgs:
                    messages.error(request, f"{label}: {msg}" if label else msg)
            return HttpResponseRedirect(target)
        data = form.cleaned_data
        try:
            with transaction.atomic():
                token = self.claim_token()
                if token is False:
                    return self.already_submitted()
                done = services.issue_bulk_assign(
                    issues=data["issues"], actor=request.user, responsible_unit=data["responsible_unit"],
                    owner=data.get("owner"), time_limit_days=data.get("time_limit_days"),
                )
        except ValidationError as error:
            for msg in error_messages(error):
                messages.error(request, msg)
        else:
            messages.success(request, _("%(n)d ledger items assigned.") % {"n": len(done)})
        return HttpResponseRedirect(target)

