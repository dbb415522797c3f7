"""What the rows are matched against, loaded once per file: subdistricts by name or code, and
the team as stored, by login, by linked worker and by name, place and organisation."""

from __future__ import annotations

from collections import defaultdict

from django.utils.translation import gettext as _

from neighbourhoods.models import Subdistrict
from supervisors.models import Supervisor

from ...readers import CellError, cell_text, header_key


def subdistricts_by_text() -> dict[str, Subdistrict]:
    """Every subdistrict by its name and its code, as a cell may give either."""
    subdistricts: dict[str, Subdistrict] = {}
    for sub in Subdistrict.objects.all():
        for text in (sub.name, sub.code):
            subdistricts[header_key(text)] = sub
    return subdistricts


def subdistrict_cell(text: object, subdistricts: dict[str, Subdistrict]) -> Subdistrict:
    sub = subdistricts.get(header_key(cell_text(text)))
    if sub is None:
        raise CellError(_("未找到街道（镇）“%(value)s”。") % {"value": cell_text(text)[:30]})
    return sub


class TeamIndex:
    """Existing supervisors by login, by linked worker's ID number, and by name/place/organisation."""

    def __init__(self, supervisors: list[Supervisor]) -> None:
        self.all = supervisors
        self.by_username = {header_key(s.user.username): s for s in supervisors if s.user_id}
        self.by_id_number = {s.trainee.id_number: s for s in supervisors if s.trainee_id}
        self.by_name: dict[tuple[str, int, str], list[Supervisor]] = defaultdict(list)
        for s in supervisors:
            self.by_name[
                (header_key(s.name), s.home_subdistrict_id, header_key(s.organisation))
            ].append(s)

    def match(
        self, values: dict[str, object], username: str
    ) -> tuple[Supervisor | None, tuple[str, str] | None]:
        if username:
            found = self.by_username.get(header_key(username))
            if found is None:
                return None, (
                    "username",
                    _("没有登录账号为“%(name)s”的督导师；新督导师请留空此列。")
                    % {"name": username[:30]},
                )
            return found, None
        trainee = values.get("id_number")
        if trainee is not None and trainee.id_number in self.by_id_number:
            return self.by_id_number[trainee.id_number], None
        key = (
            header_key(str(values["name"])),
            values["home_subdistrict"].pk,
            header_key(str(values.get("organisation", ""))),
        )
        found = self.by_name.get(key, [])
        if len(found) > 1:
            return None, (
                "name",
                _("系统中有多名同名、同街道、同机构的督导师，请填写“登录账号”以区分。"),
            )
        return (found[0] if found else None), None
