"""The enterprise file (一企一档) as one Word document: cover, plan, tasks, visits, ledger, documents, photos.

A file may hold hundreds of photos. python-docx keeps every picture's bytes in memory until it saves; here each
photo is a part that reads its bytes from storage only while the package is being written, so at most one
photo is in memory at a time. Rows are read from the database in chunks, and the document is written to a
temporary file that the view streams.
"""

from __future__ import annotations

import tempfile

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.oxml.shape import CT_Inline
from docx.parts.image import ImagePart
from docx.shared import Cm, Emu, Pt
from PIL import Image, UnidentifiedImageError

from enterprises.models import Attachment, Enterprise, Plan, PlanTask
from visits.models import Issue, IssuePhoto, Visit, VisitPhoto

PHOTO_WIDTH = Cm(14)
CONTENT_TYPES = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png")}
CHUNK = 200


class StoredImagePart(ImagePart):
    """An image part whose bytes stay in storage until the package writes them (then they are dropped)."""

    def __init__(self, partname, content_type, field_file, filename):
        super().__init__(partname, content_type, b"")
        self._storage = field_file.storage
        self._name = field_file.name
        self._filename = filename

    @property
    def blob(self) -> bytes:
        with self._storage.open(self._name, "rb") as handle:
            return handle.read()

    @property
    def filename(self):
        return self._filename

    @property
    def sha1(self):  # never matched against: each photo is its own part
        return f"stored:{self._name}"


class PhotoWriter:
    """Adds pictures one at a time without loading them: only the header is read for the size."""

    def __init__(self, document):
        self.document = document
        self.part = document.part
        self.package = self.part.package
        self.next_shape_id = self.part.next_id
        self.count = 0

    def add(self, paragraph, field_file, width=PHOTO_WIDTH) -> bool:
        try:
            with field_file.storage.open(field_file.name, "rb") as handle, Image.open(handle) as probe:
                kind, (px_w, px_h) = probe.format, probe.size
        except (OSError, UnidentifiedImageError, ValueError):
            return False
        if kind not in CONTENT_TYPES or not px_w or not px_h:
            return False
        content_type, ext = CONTENT_TYPES[kind]
        partname = self.package.image_parts._next_image_partname(ext)
        image_part = StoredImagePart(partname, content_type, field_file, f"photo{self.count + 1}.{ext}")
        self.package.image_parts.append(image_part)
        rid = self.part.relate_to(image_part, RT.IMAGE)
        cx = int(width)
        cy = int(width * px_h / px_w)
        inline = CT_Inline.new_pic_inline(self.next_shape_id, rid, image_part.filename, Emu(cx), Emu(cy))
        self.next_shape_id += 1
        paragraph.add_run()._r.add_drawing(inline)
        self.count += 1
        return True


def _setup(document) -> None:
    normal = document.styles["Normal"]
    normal.font.size = Pt(10.5)
    normal.font.name = "SimSun"
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")
    for name in ("Title", "Heading 1", "Heading 2"):
        document.styles[name].element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "黑体")
    section = document.sections[0]
    section.left_margin = section.right_margin = Cm(2)
    section.top_margin = section.bottom_margin = Cm(2)


def _local(moment, fmt="%Y-%m-%d %H:%M"):
    return timezone.localtime(moment).strftime(fmt) if moment else ""


def _date(day):
    return day.isoformat() if day else ""


def _table(document, headers, widths=None):
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(str(text))
        run.bold = True
    if widths:
        for cell, width in zip(table.rows[0].cells, widths, strict=True):
            cell.width = width
    return table


def _row(table, values):
    cells = table.add_row().cells
    for cell, value in zip(cells, values, strict=True):
        cell.text = "" if value is None else str(value)


def _field(document, label, value):
    if not value:
        return
    paragraph = document.add_paragraph()
    paragraph.add_run(f"{label}：").bold = True
    paragraph.add_run(str(value))


def _cover(document, enterprise, user):
    title = document.add_paragraph(style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.add_run(_("Enterprise file"))
    name = document.add_paragraph()
    name.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = name.add_run(enterprise.name)
    run.bold = True
    run.font.size = Pt(18)
    officers = [
        f"{a.get_kind_display()}：{a.assignee}"
        for a in enterprise.assignments.filter(ended_on__isnull=True).select_related("officer", "team").order_by("kind", "pk")
    ]
    table = _table(document, [_("Item"), _("Content")], [Cm(4.5), Cm(12)])
    for label, value in [
        (_("Unified social credit code"), enterprise.credit_code),
        (_("Police station"), enterprise.station.name),
        (_("Industry"), enterprise.get_industry_display()),
        (_("Address"), enterprise.address),
        (_("Legal representative"), enterprise.legal_representative or "—"),
        (_("Contact"), f"{enterprise.contact_name} {enterprise.contact_phone}"),
        (_("Assigned officers"), "\n".join(officers) or _("Nobody is assigned to this enterprise.")),
        (_("Compiled"), f"{_local(timezone.now())} {user.name or user.username}"),
    ]:
        _row(table, [label, value])
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _plan(document, enterprise):
    document.add_heading(_("1. Escort plan (one enterprise, one plan)"), level=1)
    tasks = PlanTask.objects.select_related("owner", "done_by").order_by("starts_on", "deadline", "pk")
    plans = list(
        Plan.objects.filter(enterprise=enterprise).select_related("approved_by")
        .prefetch_related("responsible_officers", Prefetch("tasks", queryset=tasks)).order_by("-created_at")
    )
    plan = next((p for p in plans if p.status == Plan.Status.APPROVED), None)
    if plan is None:
        plan = next((p for p in plans if p.status == Plan.Status.DRAFT), None)
    if plan is None:
        document.add_paragraph(_("No plan has been drafted for this enterprise."))
    else:
        document.add_heading(plan.title, level=2)
        _field(document, _("Status"), plan.get_status_display())
        if plan.approved_at:
            _field(document, _("Approved"), f"{_local(plan.approved_at)} {plan.approved_by}")
        _field(document, _("Leader's instruction"), plan.approval_note)
        _field(document, _("Review date"), _date(plan.review_on))
        _field(document, _("Responsible officers"), "、".join(str(u) for u in plan.responsible_officers.all()))
        _field(document, _("The enterprise's situation"), plan.situation)
        _field(document, _("Risks"), plan.risks)
        _field(document, _("Needs raised by the enterprise"), plan.needs)
        _field(document, _("Goals"), plan.goals)
        _field(document, _("Measures"), plan.measures)
    earlier = [p for p in plans if p is not plan]
    if earlier:
        document.add_heading(_("Other plans"), level=2)
        table = _table(document, [_("Plan"), _("Status"), _("Approved"), _("Closed"), _("Reason for closing")])
        for p in earlier:
            _row(table, [p.title, p.get_status_display(), _local(p.approved_at, "%Y-%m-%d"),
                         _local(p.closed_at, "%Y-%m-%d"), p.close_reason])

    document.add_heading(_("2. Task list and timetable"), level=1)
    task_rows = list(plan.tasks.all()) if plan else []
    if not task_rows:
        document.add_paragraph(_("No tasks."))
        return
    table = _table(document, [_("No."), _("Task"), _("Owner"), _("Starts"), _("Deadline"), _("Done"), _("Completion note")])
    today = timezone.localdate()
    for index, task in enumerate(task_rows, start=1):
        if task.done_at:
            done = _local(task.done_at, "%Y-%m-%d")
        else:
            done = _("Overdue") if task.deadline < today else _("Open")
        _row(table, [index, task.title, task.owner, _date(task.starts_on), _date(task.deadline), done, task.completion_note])


def _visits(document, enterprise):
    document.add_heading(_("3. Visit records"), level=1)
    visits = (
        Visit.objects.filter(enterprise=enterprise).select_related("author").prefetch_related("officers")
        .order_by("visited_at", "pk")
    )
    table = _table(document, [_("No."), _("Time"), _("Channel"), _("Officers"), _("Received by"), _("What was seen"),
                              _("Opinions and suggestions"), _("Services delivered")])
    services = [
        ("letter_delivered", _("letter delivered")),
        ("commitment_signed", _("commitment signed")),
        ("legal_consultation", _("legal consultation")),
        ("security_guidance", _("security guidance")),
        ("registration_service", _("registration on site")),
    ]
    for index, visit in enumerate(visits.iterator(chunk_size=CHUNK), start=1):
        officers = "、".join(str(o) for o in visit.officers.all()) or str(visit.author)
        received = visit.received_by + (f"（{visit.received_by_position}）" if visit.received_by_position else "")
        done = "、".join(str(label) for name, label in services if getattr(visit, name))
        _row(table, [index, _local(visit.visited_at), visit.get_channel_display(), officers, received,
                     visit.observations, visit.opinions, done])


def _ledger(document, enterprise):
    document.add_heading(_("4. Issue rectification ledger"), level=1)
    issues = (
        Issue.objects.filter(enterprise=enterprise).select_related("responsible_unit", "owner").order_by("year", "serial")
    )
    table = _table(document, [_("No."), _("Category"), _("Problem"), _("Responsible"), _("Measures"), _("Deadline"),
                              _("Status"), _("Result"), _("Satisfaction")])
    for issue in issues.iterator(chunk_size=CHUNK):
        responsible = " ".join(str(x) for x in (issue.responsible_unit, issue.owner) if x)
        _row(table, [issue.number, issue.get_category_display(), issue.description, responsible, issue.measures,
                     _date(issue.deadline), issue.get_status_display(), issue.resolution, issue.get_satisfaction_display()])


def _documents(document, enterprise):
    document.add_heading(_("5. Documents"), level=1)
    rows = Attachment.objects.filter(enterprise=enterprise, removed_at__isnull=True).select_related("created_by")
    table = _table(document, [_("Title"), _("Kind"), _("Date of the document"), _("Added"), _("By")])
    for a in rows.order_by("created_at", "pk").iterator(chunk_size=CHUNK):
        _row(table, [a.title, a.get_kind_display(), _date(a.document_date), _local(a.created_at, "%Y-%m-%d"), a.created_by])


def _photos(document, enterprise) -> int:
    document.add_heading(_("6. Work image material"), level=1)
    writer = PhotoWriter(document)
    visit_photos = VisitPhoto.objects.filter(visit__enterprise=enterprise).select_related("visit").order_by("visit__visited_at", "pk")
    issue_photos = IssuePhoto.objects.filter(issue__enterprise=enterprise).select_related("issue").order_by("created_at", "pk")
    for photo in visit_photos.iterator(chunk_size=CHUNK):
        label = _("Visit of %(date)s") % {"date": _local(photo.visit.visited_at, "%Y-%m-%d")}
        _photo(document, writer, photo, label)
    for photo in issue_photos.iterator(chunk_size=CHUNK):
        label = _("Ledger item %(number)s, %(date)s") % {"number": photo.issue.number, "date": _local(photo.created_at, "%Y-%m-%d")}
        _photo(document, writer, photo, label)
    if writer.count == 0:
        document.add_paragraph(_("No photos."))
    return writer.count


def _photo(document, writer, photo, label):
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if not writer.add(paragraph, photo.image):
        paragraph.add_run(_("(photo missing)"))
    caption = document.add_paragraph(style="Caption")
    caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
    caption.add_run(f"{label}{'：' + photo.caption if photo.caption else ''}")


def build(enterprise: Enterprise, user):
    """Write the file to a temporary file (positioned at its start) and return it."""
    enterprise = Enterprise.objects.select_related("station").get(pk=enterprise.pk)
    document = Document()
    _setup(document)
    _cover(document, enterprise, user)
    _plan(document, enterprise)
    # The wide tables read better across the page.
    landscape = document.add_section()
    landscape.orientation = WD_ORIENT.LANDSCAPE
    landscape.page_width, landscape.page_height = landscape.page_height, landscape.page_width
    _visits(document, enterprise)
    _ledger(document, enterprise)
    _documents(document, enterprise)
    portrait = document.add_section()
    portrait.orientation = WD_ORIENT.PORTRAIT
    portrait.page_width, portrait.page_height = portrait.page_height, portrait.page_width
    _photos(document, enterprise)
    handle = tempfile.TemporaryFile()
    document.save(handle)
    handle.seek(0)
    return handle
