"""The yearly assessment's pages: the rounds, bulk entry in one POST per page, the district's
quota, lock and unlock, and the section on the worker's page."""

import pytest
from django.urls import reverse

from tests.factories import TraineeFactory
from trainees.assessments.models import Assessment, AssessmentResult, AssessmentRound
from trainees.assessments.services import (
    Entry,
    quota_set,
    results_set,
    round_lock,
    round_open,
)

pytestmark = pytest.mark.django_db

R = AssessmentResult
YEAR = 2025


@pytest.fixture
def round_(world):
    return round_open(year=YEAR, excellent_share=15, actor=world.users.district)


def page_url(year=YEAR, query=""):
    url = reverse("trainees:assessment-round", args=[year])
    return f"{url}?{query}" if query else url


def entry_data(response, **rows) -> dict:
    """The page's own form as the browser would send it, with `rows` (trainee pk: (result,
    note)) changed."""
    form = response.context["form"]
    data = {"rows": form["rows"].value()}
    for pk in form.row_ids:
        data[f"result_{pk}"] = form[f"result_{pk}"].value() or ""
        data[f"note_{pk}"] = form[f"note_{pk}"].value() or ""
    for pk, (result, note) in rows.items():
        data[f"result_{pk}"], data[f"note_{pk}"] = result, note
    return data


def row(trainee, result, note=""):
    return {str(trainee.pk): (result, note)}


# --- the list and opening a round -----------------------------------------------------------------


def test_the_district_opens_a_round_from_the_list(world, client_for):
    client = client_for(world.users.district)
    page = client.get(reverse("trainees:assessment-list"))
    assert "发起年度考核" in page.content.decode()
    response = client.post(
        reverse("trainees:assessment-list"), {"year": YEAR, "excellent_share": 20}
    )
    assert response.status_code == 302
    assert AssessmentRound.objects.get(year=YEAR).excellent_share == 20
    again = client.post(reverse("trainees:assessment-list"), {"year": YEAR, "excellent_share": 20})
    assert again.status_code == 200 and "已经发起" in again.content.decode()
    bad = client.post(reverse("trainees:assessment-list"), {"year": "abc", "excellent_share": "-1"})
    assert bad.status_code == 200 and bad.context["form"].errors


def test_a_subdistrict_admin_sees_the_rounds_but_cannot_open_one(world, client_for, round_):
    client = client_for(world.users.admin_a)
    page = client.get(reverse("trainees:assessment-list"))
    assert page.status_code == 200 and "发起年度考核" not in page.content.decode()
    assert client.post(reverse("trainees:assessment-list"), {"year": 2024}).status_code == 403
    assert client_for(world.users.supervisor).get(page_url()).status_code == 403
    assert client_for(world.users.worker).get(page_url()).status_code == 403
    assert client.get(page_url(2020)).status_code == 404


# --- bulk entry -----------------------------------------------------------------------------------


def test_an_office_saves_its_page_in_one_post(world, client_for, round_):
    client = client_for(world.users.admin_a)
    page = client.get(page_url())
    text = page.content.decode()
    assert "陆晓燕" in text and "顾建国" in text and "沈丽华" not in text
    data = entry_data(
        page, **row(world.worker, R.COMPETENT, "表现稳定"), **row(world.colleague, R.BASIC)
    )
    response = client.post(page_url(), data)
    assert response.status_code == 302
    assert dict(Assessment.objects.values_list("trainee__name", "result")) == {
        "陆晓燕": R.COMPETENT,
        "顾建国": R.BASIC,
    }
    shown = client.get(page_url()).content.decode()
    assert "表现稳定" in shown and "已保存 2 条考核结果" in shown


def test_one_wrong_row_saves_nothing_and_is_shown_in_place(world, client_for, round_):
    client = client_for(world.users.admin_a)
    page = client.get(page_url())
    data = entry_data(
        page, **row(world.worker, R.COMPETENT), **row(world.colleague, R.BASIC, "长" * 201)
    )
    response = client.post(page_url(), data)
    assert response.status_code == 400
    assert response.context["form"].errors[f"note_{world.colleague.pk}"]
    assert not Assessment.objects.exists()
    bogus = entry_data(page, **row(world.worker, "superb"))
    assert client.post(page_url(), bogus).status_code == 400
    assert not Assessment.objects.exists()


def test_a_post_over_the_quota_names_the_subdistrict_and_saves_nothing(world, client_for, round_):
    client = client_for(world.users.admin_a)
    page = client.get(page_url())
    data = entry_data(page, **row(world.worker, R.EXCELLENT), **row(world.colleague, R.BASIC))
    response = client.post(page_url(), data)
    assert response.status_code == 400
    assert "华阳路街道的优秀名额为 0 人" in response.content.decode()
    assert not Assessment.objects.exists()


def test_a_page_that_changed_under_the_user_is_refused(world, client_for, round_):
    client = client_for(world.users.admin_a)
    data = entry_data(client.get(page_url()), **row(world.worker, R.COMPETENT))
    TraineeFactory(name="新来的", neighbourhood=world.na)
    response = client.post(page_url(), data)
    assert response.status_code == 400 and "名单已有变化" in response.content.decode()
    assert not Assessment.objects.exists()
    # Someone else's row smuggled into the post is not on the page: ignored, not saved.
    data = entry_data(client.get(page_url()), **row(world.worker, R.COMPETENT))
    data[f"result_{world.worker_b.pk}"] = R.INCOMPETENT
    assert client.post(page_url(), data).status_code == 302
    assert not Assessment.objects.filter(trainee=world.worker_b).exists()


def test_leadership_reads_and_cannot_post(world, client_for, round_):
    results_set(
        round_=round_, entries=[Entry(world.worker.pk, R.COMPETENT)], actor=world.users.district
    )
    client = client_for(world.users.leader)
    page = client.get(page_url())
    assert page.status_code == 200 and page.context["form"] is None
    assert (
        "合格" in page.content.decode()
        and "<select" not in page.content.decode().split("rows-title")[1]
    )
    assert client.post(page_url(), {"rows": ""}).status_code == 403


def test_filters_narrow_the_rows_and_bad_ones_do_not_fail(world, client_for, round_):
    results_set(
        round_=round_, entries=[Entry(world.worker.pk, R.COMPETENT)], actor=world.users.district
    )
    client = client_for(world.users.district)
    names = lambda q: [p.trainee.name for p, _f in client.get(page_url(query=q)).context["rows"]]  # noqa: E731
    assert names("result=competent") == ["陆晓燕"]
    assert sorted(names("result=none")) == sorted(["顾建国", "沈丽华"])
    assert names(f"neighbourhood={world.nb.pk}") == ["沈丽华"]
    assert names("q=顾建") == ["顾建国"]
    for bad in ("neighbourhood=abc", "page=xyz", "result=bogus", "subdistrict=999999", "page=-3"):
        assert client.get(page_url(query=bad)).status_code == 200


@pytest.mark.parametrize("extra", [2, 30])
def test_the_round_page_query_count_does_not_grow(
    world, client_for, round_, django_assert_max_num_queries, extra
):
    more = [TraineeFactory(neighbourhood=world.na) for _ in range(extra)]
    results_set(
        round_=round_,
        entries=[Entry(w.pk, R.COMPETENT, "好") for w in more],
        actor=world.users.district,
    )
    client = client_for(world.users.district)
    client.get(page_url())  # warm the session
    # 9: session, user, the round, the rows' count, the page of rows (results joined), the
    # quota shares, the summary per subdistrict, the filter's and the quota form's
    # subdistricts. The same at both sizes.
    with django_assert_max_num_queries(9):
        page = client.get(page_url())
    assert len(page.context["rows"]) == min(extra + 3, 50)


# --- the district's quota, lock and unlock --------------------------------------------------------


def test_the_district_sets_a_subdistricts_share_on_the_page(world, client_for, round_):
    client = client_for(world.users.district)
    url = reverse("trainees:assessment-quota", args=[YEAR])
    assert client.post(url, {"subdistrict": world.a.pk, "excellent_share": 50}).status_code == 302
    page = client.get(page_url())
    (a, _b) = page.context["summary"]
    assert (a.share, a.allowed) == (50, 1)
    assert client.post(url, {"subdistrict": "x", "excellent_share": "200"}).status_code == 302
    assert client_for(world.users.admin_a).post(url, {"subdistrict": world.a.pk}).status_code == 403


def test_locking_asks_first_and_refuses_while_results_are_missing(world, client_for, round_):
    client = client_for(world.users.district)
    url = reverse("trainees:assessment-lock", args=[YEAR])
    confirm = client.get(url)
    assert confirm.status_code == 200 and "确认锁定" in confirm.content.decode()
    refused = client.post(url)
    assert refused.status_code == 400 and "尚有 3 名在册人员未录入" in refused.content.decode()
    results_set(
        round_=round_,
        entries=[Entry(w.pk, R.COMPETENT) for w in (world.worker, world.colleague, world.worker_b)],
        actor=world.users.district,
    )
    assert client.post(url).status_code == 302
    round_.refresh_from_db()
    assert round_.is_locked
    # Read-only after the lock, for the offices too.
    office = client_for(world.users.admin_a)
    page = office.get(page_url())
    assert page.context["form"] is None and "已锁定" in page.content.decode()
    assert office.post(page_url(), {"rows": ""}).status_code == 302
    assert client_for(world.users.admin_a).get(url).status_code == 403


def test_unlocking_needs_a_reason(world, client_for, round_):
    results_set(
        round_=round_,
        entries=[Entry(w.pk, R.COMPETENT) for w in (world.worker, world.colleague, world.worker_b)],
        actor=world.users.district,
    )
    round_lock(round_=round_, actor=world.users.district)
    client = client_for(world.users.district)
    url = reverse("trainees:assessment-unlock", args=[YEAR])
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "更正"}).status_code == 302
    round_.refresh_from_db()
    assert not round_.is_locked


# --- the worker's page ----------------------------------------------------------------------------


def test_the_worker_page_lists_the_years_results(world, client_for, round_):
    quota_set(round_=round_, subdistrict=world.a, share=50, actor=world.users.district)
    results_set(
        round_=round_,
        entries=[Entry(world.worker.pk, R.EXCELLENT, "社区治理表现突出")],
        actor=world.users.district,
    )
    url = reverse("trainees:detail", args=[world.worker.pk])
    for persona in ("admin_a", "district", "worker", "supervisor"):
        text = client_for(getattr(world.users, persona)).get(url).content.decode()
        section = text.split('id="assessments-title"')[1].split("</section>")[0]
        assert "2025" in section and "优秀" in section, persona
        assert ("社区治理表现突出" in section) == (persona in ("admin_a", "district")), persona
    assert client_for(world.users.admin_b).get(url).status_code == 404


def test_the_roster_links_to_the_assessment_for_administrators(world, client_for):
    link = reverse("trainees:assessment-list")
    for persona, shown in (("admin_a", True), ("district", True), ("supervisor", False)):
        page = client_for(getattr(world.users, persona)).get(reverse("trainees:list"))
        assert (link in page.content.decode()) == shown, persona
