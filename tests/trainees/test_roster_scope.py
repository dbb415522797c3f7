"""Who sees which workers: lists, pages and exports follow the role and its scope."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from trainees.identity import id_number_mask

pytestmark = pytest.mark.django_db


def names_in_list(client, **params) -> set[str]:
    response = client.get(reverse("trainees:list"), params)
    assert response.status_code == 200
    return {row.record.name for row in response.context["table"].page.object_list}


def csv_rows(response) -> list[list[str]]:
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_subdistrict_admin_sees_only_their_subdistrict(world, client_for):
    client = client_for(world.users.admin_a)
    assert names_in_list(client) == {"陆晓燕", "顾建国"}
    # Asking for B's subdistrict by URL does not reveal it either.
    assert names_in_list(client, subdistrict=world.b.pk) <= {"陆晓燕", "顾建国"}


def test_subdistrict_admin_gets_404_for_another_subdistricts_worker(world, client_for):
    client = client_for(world.users.admin_a)
    for name in ("trainees:detail", "trainees:update", "trainees:mark-left"):
        assert client.get(reverse(name, args=[world.worker_b.pk])).status_code == 404
    assert client.get(reverse("trainees:detail", args=[world.worker.pk])).status_code == 200


def test_subdistrict_admin_export_never_contains_other_subdistricts(world, client_for):
    client = client_for(world.users.admin_a)
    rows = csv_rows(
        client.get(reverse("trainees:export", args=["csv"]), {"subdistrict": world.b.pk})
    )
    names = {row[0] for row in rows[1:]}
    assert "沈丽华" not in names
    response = client.get(reverse("trainees:export", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    names = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert names == {"陆晓燕", "顾建国"}


def test_worker_sees_only_themself(world, client_for):
    client = client_for(world.users.worker)
    assert names_in_list(client) == {"陆晓燕"}
    assert client.get(reverse("trainees:detail", args=[world.colleague.pk])).status_code == 404
    assert client.get(reverse("trainees:detail", args=[world.worker.pk])).status_code == 200


def test_worker_cannot_edit_their_own_record(world, client_for):
    client = client_for(world.users.worker)
    assert client.get(reverse("trainees:update", args=[world.worker.pk])).status_code == 403


def test_supervisor_sees_only_their_trainees(world, client_for):
    assert names_in_list(client_for(world.users.supervisor)) == {"陆晓燕"}
    assert names_in_list(client_for(world.users.other_supervisor)) == {"沈丽华"}
    client = client_for(world.users.supervisor)
    assert client.get(reverse("trainees:detail", args=[world.worker_b.pk])).status_code == 404


def test_outsider_without_a_record_sees_nobody(world, client_for):
    assert names_in_list(client_for(world.users.outsider)) == set()


def test_leader_sees_everyone_but_cannot_edit(world, client_for):
    client = client_for(world.users.leader)
    assert names_in_list(client) == {"陆晓燕", "顾建国", "沈丽华"}
    assert client.get(reverse("trainees:update", args=[world.worker_b.pk])).status_code == 403
    assert client.get(reverse("trainees:create")).status_code == 403


def test_anonymous_is_sent_to_login(world, client):
    response = client.get(reverse("trainees:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_id_numbers_masked_for_everyone_but_district_admins(world, client_for):
    full = world.worker.id_number
    masked = id_number_mask(full)
    assert masked == "*" * 14 + full[-4:]  # the last four only (issue 15)
    for user in (
        world.users.admin_a,
        world.users.leader,
        world.users.supervisor,
        world.users.worker,
    ):
        client = client_for(user)
        page = client.get(reverse("trainees:detail", args=[world.worker.pk])).content.decode()
        assert full not in page and masked in page
        listing = client.get(reverse("trainees:list")).content.decode()
        assert full not in listing
        exported = client.get(reverse("trainees:export", args=["csv"])).content.decode("utf-8-sig")
        assert full not in exported and masked in exported
    client = client_for(world.users.district)
    assert full in client.get(reverse("trainees:detail", args=[world.worker.pk])).content.decode()
    # Exports are masked by default, for district administrators too; full only when asked.
    exported = client.get(reverse("trainees:export", args=["csv"])).content.decode("utf-8-sig")
    assert full not in exported and masked in exported
    exported = client.get(reverse("trainees:export", args=["csv"]), {"full_id": "1"})
    assert full in exported.content.decode("utf-8-sig")


def test_birth_dates_and_mobiles_are_masked_beside_masked_id_numbers(world, client_for):
    """The birth date is digits 7–14 of the ID number: where the number is masked, the page
    and the export show the age; mobiles are masked for all but the district (part 5)."""
    worker = world.worker
    mobile, masked_mobile = worker.mobile, f"{worker.mobile[:3]}****{worker.mobile[7:]}"
    age = str(worker.age)
    for user in (
        world.users.admin_a,
        world.users.leader,
        world.users.supervisor,
        world.users.worker,
    ):
        client = client_for(user)
        page = client.get(reverse("trainees:detail", args=[worker.pk])).content.decode()
        assert "1988年5月17日" not in page and "出生日期" not in page and f"{age}岁" in page
        assert mobile not in page and masked_mobile in page
        listing = client.get(reverse("trainees:list"), {"q": mobile})  # search by phone works
        assert {r.record.name for r in listing.context["table"].page.object_list} == {"陆晓燕"}
        assert mobile not in listing.content.decode().replace(f'value="{mobile}"', "").replace(
            f"q={mobile}", ""
        )
        assert masked_mobile in listing.content.decode()
        for fmt in ("csv", "xlsx"):
            rows = export_rows(client.get(reverse("trainees:export", args=[fmt])))
            header, row = rows[0], next(r for r in rows[1:] if r[0] == "陆晓燕")
            assert "出生日期" not in header and row[header.index("年龄")] == age
            assert row[header.index("手机号")] == masked_mobile
            assert "1988" not in "".join(row)
    client = client_for(world.users.district)
    page = client.get(reverse("trainees:detail", args=[worker.pk])).content.decode()
    assert "1988年5月17日" in page and mobile in page
    rows = export_rows(client.get(reverse("trainees:export", args=["csv"]), {"full_id": "1"}))
    row = next(r for r in rows[1:] if r[0] == "陆晓燕")
    assert row[rows[0].index("出生日期")] == "1988-05-17" and row[rows[0].index("手机号")] == mobile
    # The district's default export is masked as a whole: safe to pass on.
    rows = export_rows(client.get(reverse("trainees:export", args=["csv"])))
    assert "年龄" in rows[0] and mobile not in str(rows)


def export_rows(response) -> list[list[str]]:
    if response["Content-Type"].startswith("text/csv"):
        return csv_rows(response)
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]


def test_filters_narrow_the_roster(world, client_for):
    client = client_for(world.users.district)
    assert names_in_list(client, subdistrict=world.b.pk) == {"沈丽华"}
    assert names_in_list(client, housing_type="resettlement") == {"沈丽华"}
    assert names_in_list(client, q="晓燕") == {"陆晓燕"}
    assert names_in_list(client, q=world.colleague.id_number[-4:]) == {"顾建国"}
    assert names_in_list(client, q=world.worker_b.mobile) == {"沈丽华"}


def test_export_follows_the_filters(world, client_for):
    client = client_for(world.users.district)
    rows = csv_rows(client.get(reverse("trainees:export", args=["csv"]), {"q": "顾建国"}))
    assert rows[0][0] == "姓名"
    assert [row[0] for row in rows[1:]] == ["顾建国"]


def test_structure_pages_are_scoped(world, client_for):
    client = client_for(world.users.admin_a)
    assert client.get(reverse("structure:subdistrict-detail", args=[world.a.pk])).status_code == 200
    assert client.get(reverse("structure:subdistrict-detail", args=[world.b.pk])).status_code == 404
    assert (
        client.get(reverse("structure:neighbourhood-detail", args=[world.nb.pk])).status_code == 404
    )
    listing = client.get(reverse("structure:subdistrict-list")).content.decode()
    assert "华阳路街道" in listing and "新泾镇" not in listing
    worker = client_for(world.users.worker)
    assert worker.get(reverse("structure:subdistrict-list")).status_code == 403


def test_structure_pages_show_headcounts(world, client_for):
    client = client_for(world.users.district)
    response = client.get(reverse("structure:subdistrict-list"))
    counts = {s.name: s.active_count for s in response.context["subdistricts"]}
    assert counts == {"华阳路街道": 2, "新泾镇": 1}
