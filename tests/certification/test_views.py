"""Pages: who sees what, the 404 outside the scope, exports, and pinned query counts."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from certification.models import Certificate, RateTarget
from tests.certification.conftest import certify, random_district

LISTS = ("certified-list", "registration-list", "ce-list", "pipeline-list")


@pytest.fixture
def certs(world):
    today = timezone.localdate()
    a = certify(
        world.worker,
        "assistant",
        dt.date(2022, 6, 18),
        # Two years ago (not today.replace(year=…), which has no 29 February to land on).
        registrations=[today - dt.timedelta(days=2 * 365)],
    )
    b = certify(
        world.worker_b, "intermediate", dt.date(2021, 11, 13), registrations=[dt.date(2022, 1, 5)]
    )
    RateTarget.objects.create(year=today.year, target_pct=90)
    return a, b


def test_dashboard_for_district_and_subdistrict_admin(world, certs, client_for):
    page = client_for(world.users.district).get(reverse("certification:dashboard"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "持证上岗率" in text and "有效登记率" in text and "<svg" in text
    # 2 of 3 active workers certified; ceil(90% × 3) = 3.
    assert "还需 1 名持证社区工作者才能达到 90%" in text
    assert "新泾镇" in text and "华阳路街道" in text
    own = client_for(world.users.admin_a).get(reverse("certification:dashboard")).content.decode()
    assert "华阳路街道" in own and "新泾镇" not in own


def test_subdistrict_admin_gets_404_for_another_subdistrict(world, certs, client_for):
    client = client_for(world.users.admin_a)
    url = reverse("certification:dashboard") + f"?subdistrict={world.b.pk}"
    assert client.get(url).status_code == 404
    for name in LISTS:
        assert (
            client.get(reverse(f"certification:{name}") + f"?subdistrict={world.b.pk}").status_code
            == 404
        )
    b_cert = certs[1]
    assert (
        client.get(reverse("certification:registration-create", args=[b_cert.pk])).status_code
        == 404
    )
    assert (
        client.get(reverse("certification:attempt-create", args=[world.worker_b.pk])).status_code
        == 404
    )


def test_certified_list_is_scoped(world, certs, client_for):
    def names(user):
        return client_for(user).get(reverse("certification:certified-list")).content.decode()

    district = names(world.users.district)
    assert world.worker.name in district and world.worker_b.name in district
    a = names(world.users.admin_a)
    assert world.worker.name in a and world.worker_b.name not in a
    # A supervisor sees their own trainee's status, not another supervisor's.
    sup = names(world.users.supervisor)
    assert world.worker.name in sup and world.worker_b.name not in sup
    mine = names(world.users.worker)
    assert world.worker.name in mine and world.worker_b.name not in mine
    assert world.worker.name not in names(world.users.outsider)


def test_supervisor_sees_own_trainees_status_on_the_worker_page(world, certs, client_for):
    client = client_for(world.users.supervisor)
    page = client.get(reverse("trainees:detail", args=[world.worker.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "职业水平证书" in text and certs[0].number in text and "已登记" in text
    assert "录入考试成绩" not in text  # read-only for supervisors
    assert client.get(reverse("trainees:detail", args=[world.worker_b.pk])).status_code == 404
    assert (
        client.get(reverse("certification:attempt-create", args=[world.worker.pk])).status_code
        == 403
    )


def test_exports_follow_filters_and_scope(world, certs, client_for):
    client = client_for(world.users.district)
    csv = client.get(
        reverse("certification:certified-export", args=["csv"]) + f"?subdistrict={world.a.pk}"
    )
    body = csv.content.decode("utf-8-sig")
    assert csv["Content-Type"].startswith("text/csv")
    assert world.worker.name in body and world.worker_b.name not in body
    xlsx = client.get(reverse("certification:pipeline-export", args=["xlsx"]))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    for name in ("registration-export", "ce-export"):
        assert client.get(reverse(f"certification:{name}", args=["csv"])).status_code == 200
    only_a = client_for(world.users.admin_a).get(
        reverse("certification:certified-export", args=["csv"])
    )
    assert world.worker_b.name not in only_a.content.decode("utf-8-sig")


def test_pipeline_lists_eligible_uncertified_workers_with_reasons(world, client_for):
    page = client_for(world.users.district).get(reverse("certification:pipeline-list"))
    text = page.content.decode()
    # 顾建国: 本科, community work since 2012, no certificate: may sit the assistant exam.
    assert world.colleague.name in text and "符合条件" in text
    assert world.worker.name in text
    certify(world.colleague, "assistant", dt.date(2019, 6, 15))
    text = (
        client_for(world.users.district)
        .get(reverse("certification:pipeline-list"))
        .content.decode()
    )
    assert world.colleague.name not in text


def test_attempt_form_records_scores_and_awards(world, client_for):
    from certification.models import ExamYear, Subject

    client = client_for(world.users.admin_a)
    subjects = list(Subject.objects.filter(level__code="assistant"))
    data = {"exam_year": ExamYear.objects.get(year=2024).pk, "level": subjects[0].level_id}
    data.update({f"score_{s.pk}": "71" for s in subjects})
    response = client.post(reverse("certification:attempt-create", args=[world.worker.pk]), data)
    assert response.status_code == 302
    assert Certificate.objects.filter(trainee=world.worker, level__code="assistant").exists()


def _get(client, url, django_assert_max_num_queries, bound):
    with django_assert_max_num_queries(bound):
        response = client.get(url)
    assert response.status_code == 200


# session, user; then
# dashboard (once the month ends are kept, see the warm-up below): target, levels, overall with
#   four breakdowns, the trend's snapshot marks and sums, subdistrict choices (6; the committees
#   only within one subdistrict);
# certificate lists: levels for the status, count twice (FilterView and the table's paginator),
#   levels for the filter, subdistrict and committee choices, the page (7);
# pipeline: next exam year, rules, levels, count twice, filter choices (3), the page, then the
#   reasons for the page: levels, rules, the page's certificates (12).
BOUNDS = {
    "dashboard": 8,
    "certified-list": 9,
    "registration-list": 9,
    "ce-list": 9,
    "pipeline-list": 14,
}


@pytest.mark.parametrize("name", list(BOUNDS))
def test_pages_make_a_constant_number_of_queries(
    world, name, client_for, django_assert_max_num_queries
):
    client = client_for(world.users.district)
    url = reverse(f"certification:{name}")
    random_district(world, 10, seed=5)
    # A dashboard's first view counts the month ends its snapshots lack (tests/certification/
    # test_rate.py pins that); the number a page makes after is what is pinned here.
    client.get(url)
    _get(client, url, django_assert_max_num_queries, BOUNDS[name])
    random_district(world, 150, seed=6)
    client.get(url)
    _get(client, url, django_assert_max_num_queries, BOUNDS[name])


def test_dashboard_shows_committees_within_one_subdistrict(world, certs, client_for):
    url = reverse("certification:dashboard")
    page = client_for(world.users.district).get(url + "?post=general").content.decode()
    # The whole district: no committee rows (a city has thousands), a hint and a link per
    # subdistrict that keeps the other filters.
    assert "华一居委会" not in page and "请先选择一个街道（镇）" in page
    assert f'href="?post=general&amp;subdistrict={world.a.pk}"' in page
    one = client_for(world.users.district).get(url + f"?subdistrict={world.a.pk}").content.decode()
    assert "华一居委会" in one and "新泾一村居委会" not in one
    assert "请先选择一个街道（镇）" not in one
    own = client_for(world.users.admin_a).get(url).content.decode()
    assert "华一居委会" in own and "请先选择一个街道（镇）" not in own
    # Bad input is a form error or a 404, never a 500.
    assert client_for(world.users.district).get(url + "?subdistrict=abc&on=x").status_code == 200
    assert client_for(world.users.district).get(url + "?subdistrict=999999").status_code == 200
    assert client_for(world.users.admin_a).get(url + "?subdistrict=999999").status_code == 404


def test_committee_filter_lists_a_supervisors_own_committees(world, certs, client_for):
    """The committee search refuses those who see no places (supervisors, workers): their
    certification lists offer the committees of their own workers as a plain drop-down."""
    page = client_for(world.users.supervisor).get(reverse("certification:certified-list"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "data-search-url" not in html
    select = re.search(r'<select name="neighbourhood".*?</select>', html, re.S).group(0)
    assert f'<option value="{world.worker.neighbourhood_id}"' in select
    assert f'<option value="{world.worker_b.neighbourhood_id}"' not in select
    # A district administrator searches instead of being sent every committee.
    district = client_for(world.users.district).get(reverse("certification:certified-list"))
    assert "data-search-url" in district.content.decode()
