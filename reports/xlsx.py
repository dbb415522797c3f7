"""The report as a workbook: one sheet per section with the same tables as the PDF, plus the
detail lists the PDF leaves out (committee by committee, uncovered workers, registrations due).

Every row goes through core.spreadsheets: names and the commentary are text people typed, and
no cell of the workbook may run as a formula.
"""

import datetime as dt
import io

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from core.spreadsheets import xlsx_row
from supervisors.models import Assignment
from trainees.assessments.models import AssessmentResult

from .figures import METRICS
from .figures.common import Scope, paired_on

BOLD = Font(bold=True)
HEAD = PatternFill("solid", fgColor="E8F0FB")


def _sheet(
    wb: Workbook, title: str, header: list[str], rows: list[list], total: list | None = None
):
    ws = wb.create_sheet(title[:31])
    ws.append(xlsx_row(ws, header))
    for cell in ws[1]:
        cell.font, cell.fill = BOLD, HEAD
    for row in rows:
        ws.append(xlsx_row(ws, row))
    if total is not None:
        ws.append(xlsx_row(ws, total))
        for cell in ws[ws.max_row]:
            cell.font = BOLD
    ws.freeze_panes = "B2"
    for i, _h in enumerate(header, start=1):
        ws.column_dimensions[get_column_letter(i)].width = 14 if i > 1 else 22
    return ws


def _workforce(wb: Workbook, f: dict) -> None:
    w = f["workforce"]
    columns = [c for g in w["groups"] for c in g["columns"]] + w["grade_columns"]
    header = [str(f["meta"]["unit_label"]), _("在册人数")]
    header += [f"{g['label']}:{c[1]}" for g in w["groups"] for c in g["columns"]]
    header += [_("等级%(n)s") % {"n": c[1]} for c in w["grade_columns"]]
    keys = ["total", *[c[0] for c in columns]]
    _sheet(
        wb,
        _("队伍结构"),
        header,
        [[r["name"], *[r[k] for k in keys]] for r in w["rows"]],
        [_("合计"), *[w["total"][k] for k in keys]],
    )
    _sheet(
        wb,
        _("队伍结构（居委会）"),
        [_("街道（镇）"), *header],
        [[r["subdistrict"], r["name"], *[r[k] for k in keys]] for r in w["committees"]],
        ["", _("合计"), *[w["total"][k] for k in keys]],
    )


def _summary(wb: Workbook, f: dict) -> None:
    rows = [
        [
            str(label) + (f"（{unit}）" if unit else ""),
            f["headline"].get(key),
            f["previous"]["headline"].get(key),
            f["change"].get(key),
        ]
        for key, label, unit in METRICS
    ]
    rows.append([_("持证率年度目标（%）"), f["headline"]["target_pct"], None, None])
    rows.append([_("距目标（百分点）"), f["headline"]["gap"], None, None])
    ws = _sheet(
        wb,
        _("主要数据"),
        [_("指标"), f["meta"]["label"], f["meta"]["previous_label"], _("变化")],
        rows,
    )
    ws.append([])
    ws.append(xlsx_row(ws, [_("主要发现")]))
    for line in f.get("findings", []):
        ws.append(xlsx_row(ws, [line]))
    ws.append([])
    ws.append(xlsx_row(ws, [_("分析与说明")]))
    ws.append(xlsx_row(ws, [f.get("commentary", "")]))
    ws.append([])
    ws.append(xlsx_row(ws, [_("数据截至"), f["meta"]["as_of"]]))


def _table(wb, title, f, section, cols) -> None:
    s = f[section]
    header = [str(f["meta"]["unit_label"]), *[str(label) for _k, label in cols]]
    _sheet(
        wb,
        title,
        header,
        [[r["name"], *[r.get(k) for k, _l in cols]] for r in s["rows"]],
        [_("合计"), *[s["total"].get(k) for k, _l in cols]],
    )


def _details(wb: Workbook, f: dict) -> None:
    """Workers without a supervisor on the day: the list the offices act on, each with the
    placement and post they had that day."""
    day = dt.date.fromisoformat(f["meta"]["as_of"])
    scope = Scope(f["meta"]["subdistrict_id"])
    in_force = Assignment.objects.filter(paired_on(day), trainee_id=OuterRef("trainee_id"))
    uncovered = (
        scope.periods_on(day)
        .exclude(Exists(in_force))
        .select_related("trainee", "subdistrict", "neighbourhood")
        .order_by("subdistrict__code", "neighbourhood__name", "trainee__name", "trainee_id")
    )
    office = str(_("街道社区办"))
    _sheet(
        wb,
        _("未安排督导名单"),
        [_("街道（镇）"), _("居委会"), _("姓名"), _("岗位"), _("入职日期")],
        [
            [
                p.subdistrict.name,
                p.neighbourhood.name if p.neighbourhood_id else office,
                p.trainee.name,
                p.get_post_display(),
                p.trainee.joined,
            ]
            for p in uncovered.iterator(chunk_size=2000)
        ],
    )


def _assessment(wb: Workbook, f: dict) -> None:
    """年度考核: the round of the report's year (or the year before), row by row."""
    a = f.get("assessment")
    if not a or not a.get("rows"):
        return
    results = list(AssessmentResult)
    state = _("已锁定") if a["locked"] else _("录入中")
    _sheet(
        wb,
        _("年度考核"),
        [
            f"{f['meta']['unit_label']}（{a['year']}，{state}）",
            _("考核人数"),
            _("已录入"),
            *[str(r.label) for r in results],
            _("优秀占比（%）"),
        ],
        [
            [
                r["name"],
                r["workers"],
                r["entered"],
                *[r[x.value] for x in results],
                r["excellent_pct"],
            ]
            for r in a["rows"]
        ],
        [
            _("合计"),
            a["total"]["workers"],
            a["total"]["entered"],
            *[a["total"][x.value] for x in results],
            a["total"]["excellent_pct"],
        ],
    )


def render_xlsx(f: dict) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    _summary(wb, f)
    _workforce(wb, f)
    _table(
        wb,
        _("督导"),
        f,
        "supervision",
        [
            ("workers", _("在册人数")),
            ("covered", _("已安排督导")),
            ("coverage_pct", _("督导覆盖率（%）")),
            ("serving", _("督导师")),
            ("ratio", _("配比 1:n")),
            ("mentor", _("师徒式")),
            ("drill", _("训练式")),
            ("sessions", _("督导次数")),
            ("hours", _("督导时长（小时）")),
            ("mentor_sessions", _("师徒式次数")),
            ("drill_sessions", _("训练式次数")),
            ("cadence_pairs", _("应督导结对（月）")),
            ("cadence_met", _("达标")),
            ("cadence_pct", _("频次达标率（%）")),
        ],
    )
    growth = f["supervision"].get("growth")
    if growth:
        _sheet(
            wb,
            _("能力成长"),
            [
                _("能力维度"),
                "–".join(growth["windows"][0]),
                "–".join(growth["windows"][1]),
                _("变化"),
            ],
            [[g["label"], g["first"], g["last"], g["change"]] for g in growth["rows"]],
        )
    _table(
        wb,
        _("培训"),
        f,
        "training",
        [
            ("workers", _("在册人数")),
            ("trained", _("参训人数")),
            ("coverage_pct", _("培训覆盖率（%）")),
            ("hours", _("认定学时")),
            ("hours_per_worker", _("人均学时")),
            ("marked", _("出勤记录")),
            ("attended", _("出勤")),
            ("attendance_pct", _("培训出勤率（%）")),
        ],
    )
    _assessment(wb, f)
    _table(
        wb,
        _("职业水平证书"),
        f,
        "certification",
        [
            ("workers", _("在册人数")),
            ("certified", _("持证人数")),
            ("certified_pct", _("持证上岗率（%）")),
            ("registered", _("有效登记")),
            ("registered_pct", _("有效登记率（%）")),
        ],
    )
    cert = f["certification"]
    if "by_housing" in cert:
        _sheet(
            wb,
            _("持证率（住房类型、岗位）"),
            [
                _("住房类型 / 岗位"),
                _("在册人数"),
                _("持证人数"),
                _("持证上岗率（%）"),
                _("有效登记率（%）"),
            ],
            [
                [r["name"], r["workers"], r["certified"], r["certified_pct"], r["registered_pct"]]
                for r in [*cert["by_housing"], *cert["by_post"]]
            ],
        )
        _sheet(
            wb,
            _("考试成绩"),
            [_("等级"), _("科目"), _("参考"), _("合格"), _("合格率（%）"), _("平均分")],
            [
                [s["level"], s["subject"], s["sat"], s["passed"], s["pass_pct"], s["average"]]
                for s in cert["exams"]["subjects"]
            ],
        )
        regs = {r["level"]: r for r in cert["registrations"]["rows"]}
        _sheet(
            wb,
            _("报考条件与待登记"),
            [_("等级"), _("可报考"), _("待再登记"), _("登记已过期")],
            [
                [
                    p["level"],
                    p["eligible"],
                    regs.get(p["level"], {}).get("due"),
                    regs.get(p["level"], {}).get("lapsed"),
                ]
                for p in cert["pipeline"]["levels"]
            ],
        )
    cols = [
        ("workers", _("在册人数")),
        ("ratio", _("配比 1:n")),
        ("coverage_pct", _("督导覆盖率（%）")),
        ("sessions_per_supervisor", _("人均督导次数")),
        ("cadence_pct", _("频次达标率（%）")),
        ("training_coverage_pct", _("培训覆盖率（%）")),
        ("training_hours_per_worker", _("人均学时")),
        ("certified_pct", _("持证上岗率（%）")),
        ("registered_pct", _("有效登记率（%）")),
    ]
    _sheet(
        wb,
        _("比较"),
        [str(f["meta"]["unit_label"]), *[str(label) for _k, label in cols]],
        [[r["name"], *[r[k] for k, _l in cols]] for r in f["comparison"]],
    )
    _sheet(
        wb,
        _("走势"),
        [
            _("月份"),
            _("在册人数"),
            _("督导覆盖率（%）"),
            _("持证上岗率（%）"),
            _("有效登记率（%）"),
            _("培训覆盖率（%）"),
        ],
        [
            [
                p["label"],
                p["workers"],
                p["coverage_pct"],
                p["certified_pct"],
                p["registered_pct"],
                p["training_coverage_pct"],
            ]
            for p in f["trend"]
        ],
    )
    _details(wb, f)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
