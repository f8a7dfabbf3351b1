"""The written report to the city bureau and the minutes of a progress meeting, as DOCX in the official layout.

The layout follows the usual Party and government document format (GB/T 9704-2012): A4, red masthead with the
issuing organ, document number, red separator, title in 小标宋, body in 仿宋 三号 with 28-point lines, signature
and date, the colophon (版记) and page numbers "— N —". The documents are sent to the city bureau and the
units in their official Chinese form whatever the language of the screen, so their fixed words are Chinese.
"""

from __future__ import annotations

import io

from django.http import FileResponse
from django.utils import timezone
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from accounts.models import Unit

RED = RGBColor(0xFF, 0x00, 0x00)
TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体_GB2312"
LATIN_FONT = "Times New Roman"
BODY_SIZE = Pt(16)  # 三号
TITLE_SIZE = Pt(22)  # 二号
COLOPHON_SIZE = Pt(14)  # 四号
TEXT_WIDTH = Cm(15.6)
NUMERALS = "一二三四五六七八九十"

# The elements that follow w:pBdr inside w:pPr (its place in the schema's sequence).
_AFTER_PBDR = (
    "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct",
    "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind",
    "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
    "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)


def chinese_date(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def numeral(n: int) -> str:
    if n <= 10:
        return NUMERALS[n - 1]
    if n < 20:
        return "十" + NUMERALS[n - 11]
    tens, units = divmod(n, 10)
    return NUMERALS[tens - 1] + "十" + (NUMERALS[units - 1] if units else "")


def issuing_office() -> str:
    """The sub-bureau and its programme office, as they head the office's documents."""
    names = dict(Unit.objects.filter(kind__in=(Unit.Kind.BUREAU, Unit.Kind.OFFICE)).order_by("pk").values_list("kind", "name"))
    return f"{names.get(Unit.Kind.BUREAU, '')}{names.get(Unit.Kind.OFFICE, '')}"


class OfficialDocument:
    """A python-docx Document set up as an official document, with helpers for its parts."""

    def __init__(self):
        self.doc = Document()
        section = self.doc.sections[0]
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
        section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
        section.footer_distance = Cm(2.8)
        style = self.doc.styles["Normal"]
        style.font.name = LATIN_FONT
        style.font.size = BODY_SIZE
        style.element.rPr.rFonts.set(qn("w:eastAsia"), BODY_FONT)
        self._page_numbers(section)

    # -- pieces

    @staticmethod
    def _font(run, east_asian: str, size, *, bold=False, color=None):
        run.font.name = LATIN_FONT
        run.font.size = size
        run.font.bold = bold
        if color is not None:
            run.font.color.rgb = color
        run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), east_asian)
        return run

    def paragraph(self, text="", *, font=BODY_FONT, size=BODY_SIZE, align=None, indent=True, bold=False, color=None,
                  right_indent=None, exact=True):
        p = self.doc.add_paragraph()
        fmt = p.paragraph_format
        if exact:
            fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            fmt.line_spacing = Pt(29)
        fmt.space_before = fmt.space_after = Pt(0)
        if indent:
            fmt.first_line_indent = Pt(size.pt * 2)
        if right_indent is not None:
            fmt.right_indent = right_indent
        if align is not None:
            p.alignment = align
        if text:
            self._font(p.add_run(text), font, size, bold=bold, color=color)
        return p

    def blank(self, n=1):
        for _i in range(n):
            self.paragraph(indent=False)

    def rule(self, color="FF0000", size=12, paragraph=None):
        """A horizontal line under a paragraph (the red separator, or the colophon's lines)."""
        p = paragraph or self.paragraph(indent=False)
        p_pr = p._p.get_or_add_pPr()
        borders = OxmlElement("w:pBdr")
        bottom = OxmlElement("w:bottom")
        for key, value in (("w:val", "single"), ("w:sz", str(size)), ("w:space", "1"), ("w:color", color)):
            bottom.set(qn(key), value)
        borders.append(bottom)
        p_pr.insert_element_before(borders, *_AFTER_PBDR)
        return p

    def masthead(self, *lines: str):
        for line in lines:
            size = Pt(36) if len(line) <= 10 else Pt(26)
            self.paragraph(line, font=TITLE_FONT, size=size, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, color=RED, exact=False)

    def left_right(self, left: str, right: str, *, size=BODY_SIZE, font=BODY_FONT):
        p = self.paragraph(indent=False)
        p.paragraph_format.left_indent = Pt(size.pt)
        p.paragraph_format.right_indent = Pt(size.pt)
        p.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH - Pt(size.pt * 2), WD_TAB_ALIGNMENT.RIGHT)
        self._font(p.add_run(f"{left}\t{right}" if right else left), font, size)
        return p

    def title(self, text: str):
        self.paragraph(text, font=TITLE_FONT, size=TITLE_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, exact=False)

    def heading(self, text: str):
        self.paragraph(text, font=HEADING_FONT, size=BODY_SIZE)

    def body(self, text: str):
        for line in (text or "").splitlines():
            if line.strip():
                self.paragraph(line.strip())

    def signature(self, organ: str, day):
        right = Pt(BODY_SIZE.pt * 4)
        self.paragraph(organ, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False, right_indent=right)
        self.paragraph(chinese_date(day), align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False, right_indent=right)

    def colophon(self, lines: list[tuple[str, str]]):
        """版记: lines between rules, at the end of the document."""
        self.blank()
        self.rule(color="000000", size=8)
        for left, right in lines:
            p = self.left_right(left, right, size=COLOPHON_SIZE)
            self.rule(color="000000", size=4, paragraph=p)

    def _page_numbers(self, section):
        p = section.footer.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        self._font(p.add_run("— "), LATIN_FONT, COLOPHON_SIZE)
        field = OxmlElement("w:fldSimple")
        field.set(qn("w:instr"), "PAGE")
        run = OxmlElement("w:r")
        text = OxmlElement("w:t")
        text.text = "1"
        run.append(text)
        field.append(run)
        p._p.append(field)
        self._font(p.add_run(" —"), LATIN_FONT, COLOPHON_SIZE)

    def save(self) -> bytes:
        data = io.BytesIO()
        self.doc.save(data)
        return data.getvalue()


def referral_report(referral) -> bytes:
    """报告: the office's written report of a referral to the city bureau."""
    organ = issuing_office()
    sent = timezone.localtime(referral.reported_at).date()
    doc = OfficialDocument()
    doc.masthead(organ)
    doc.blank()
    if referral.report_signer:
        doc.left_right(referral.number, f"签发人：{referral.report_signer}")
    else:
        doc.paragraph(referral.number, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    doc.rule()
    doc.blank()
    doc.title(referral.report_title)
    doc.blank()
    doc.paragraph(f"{referral.report_addressee}：", indent=False)
    doc.body(referral.report_body)
    if "特此报告" not in referral.report_body:
        doc.paragraph("特此报告。")
    doc.blank(2)
    doc.signature(organ, sent)
    doc.blank()
    reporter = referral.reported_by
    if reporter is not None:
        contact = f"（联系人：{reporter.name}"
        if reporter.phone:
            contact += f"，联系电话：{reporter.phone}"
        doc.paragraph(contact + "）")
    lines = []
    if referral.report_cc:
        lines.append((f"抄送：{referral.report_cc.rstrip('。')}。", ""))
    lines.append((organ, f"{chinese_date(sent)}印发"))
    doc.colophon(lines)
    return doc.save()


def meeting_minutes(meeting, carried) -> bytes:
    """会议纪要: the minutes of a progress meeting, with the carried-over decisions and the new ones."""
    organ = issuing_office()
    held = timezone.localtime(meeting.held_at)
    doc = OfficialDocument()
    doc.masthead("护航经济发展专项行动", "推进会议纪要")
    doc.paragraph(f"〔{meeting.year}〕第{meeting.serial}期", align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    doc.blank()
    doc.left_right(organ, chinese_date(held.date()))
    doc.rule()
    doc.blank()
    doc.title(f"{meeting.display_title}纪要")
    doc.blank()
    attendees = list(meeting.attendees.all())
    names = "、".join(f"{a.unit.name if a.unit else ''}{a.name}" for a in attendees if a.pk != meeting.chair_id)
    clock = f"{held.hour}时" + (f"{held.minute}分" if held.minute else "")
    intro = f"{chinese_date(held.date())}{clock}，{meeting.chair.name}在{meeting.place}主持召开护航经济发展专项行动推进会议。"
    if names:
        intro += f"{names}参加会议。"
    if meeting.other_attendees:
        intro += f"{meeting.other_attendees}列席会议。"
    intro += "会议对前一阶段工作进行了讲评，交流了情况，会商了存在的问题，明确了下一步工作。现纪要如下："
    doc.paragraph(intro)

    doc.heading("一、上次会议议定事项落实情况")
    if carried:
        for index, action in enumerate(carried, start=1):
            text = f"（{numeral(index)}）{action.text.rstrip('。')}。（{action.meeting.display_title}议定，责任单位：{action.owner_unit.name}"
            if action.owner_id:
                text += f"，责任人：{action.owner.name}"
            text += f"，时限：{chinese_date(action.deadline)}）"
            doc.paragraph(text)
            doc.paragraph("落实情况：" + action_state(action, held))
    else:
        doc.paragraph("上次会议议定事项均已落实。")

    doc.heading("二、工作讲评")
    doc.body(meeting.evaluation or "无。")
    doc.heading("三、交流会商")
    doc.body(meeting.discussion or "无。")
    doc.heading("四、会议议定事项")
    actions = list(meeting.actions.all())
    if actions:
        for action in actions:
            text = f"（{numeral(action.position)}）{action.text.rstrip('。')}。责任单位：{action.owner_unit.name}"
            if action.owner_id:
                text += f"；责任人：{action.owner.name}"
            text += f"；完成时限：{chinese_date(action.deadline)}前"
            if action.issue_id:
                text += f"（台账编号：{action.issue.number}）"
            doc.paragraph(text + "。")
    else:
        doc.paragraph("本次会议无新的议定事项。")
    doc.blank()
    present = [meeting.chair.name] + [a.name for a in attendees if a.pk != meeting.chair_id]
    doc.paragraph(f"出席：{'、'.join(present)}", indent=False)
    if meeting.other_attendees:
        doc.paragraph(f"列席：{meeting.other_attendees}", indent=False)
    recorder = meeting.created_by.name if meeting.created_by_id else ""
    doc.colophon([
        ("分送：分局领导，各队室、各派出所。", ""),
        (f"{organ}" + (f"（记录：{recorder}）" if recorder else ""), f"{chinese_date(held.date())}印发"),
    ])
    return doc.save()


def action_state(action, at) -> str:
    """How a carried-over decision stands now (as the minutes are printed)."""
    if action.status == action.Status.DONE:
        return f"已完成（{chinese_date(timezone.localtime(action.closed_at).date())}）：{action.result}"
    if action.status == action.Status.CANCELLED:
        return f"已撤销（{chinese_date(timezone.localtime(action.closed_at).date())}）：{action.result}"
    if action.deadline < at.date():
        return "未完成，已超过时限，继续督办。"
    return "正在落实，继续督办。"


def docx_response(content: bytes, filename: str) -> FileResponse:
    response = FileResponse(
        io.BytesIO(content), as_attachment=True, filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response

