"""Accessibility gate (issue 8): axe-core finds no serious or critical violation on the main
pages, for every role, on a desktop and on a phone.

axe-core comes from npm (package.json, pinned in package-lock.json; `make test` installs it).
"""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login
from tests.sessions.conftest import make_session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = {"serious", "critical"}

# What each role works with (pages it may not open answer 403 and are covered elsewhere).
DISTRICT_WIDE = [
    "home",
    "roster",
    "worker",
    "structure",
    "subdistrict",
    "supervisors",
    "supervisor",
    "coverage",
    "sessions",
    "session",
]
PAGES_BY_ROLE = {
    "district": DISTRICT_WIDE,
    "admin_a": [*DISTRICT_WIDE, "worker-change"],
    "leader": DISTRICT_WIDE,
    "supervisor": ["home", "roster", "worker", "supervisor", "sessions", "session-form", "session"],
    "worker": ["home", "worker", "sessions", "session"],
}


def _urls(world, session) -> dict[str, str]:
    return {
        "home": "/",
        "roster": "/workers/",
        "worker": f"/workers/{world.worker.pk}/",
        "worker-change": f"/workers/{world.worker.pk}/change/",
        "structure": "/structure/",
        "subdistrict": f"/structure/{world.a.pk}/",
        "supervisors": "/supervisors/",
        "supervisor": f"/supervisors/{world.supervisor.pk}/",
        "coverage": "/supervisors/coverage/",
        "sessions": "/sessions/",
        "session-form": "/sessions/new/",
        "session": f"/sessions/{session.pk}/",
    }


def _axe_violations(page) -> list[dict]:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `make node_modules/axe-core/axe.min.js` (or make test)")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v["impact"] in BLOCKING]


def _report(found: dict[str, list[dict]]) -> str:
    lines = []
    for where, violations in found.items():
        for v in violations:
            lines.append(f"{where}: [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
            for node in v["nodes"][:5]:
                lines.append(f"    {', '.join(map(str, node['target']))}: {node['html'][:160]}")
                summary = node.get("failureSummary") or ""
                lines.extend(f"      {s}" for s in summary.splitlines()[1:3])
    return "\n".join(lines)


def _check(page, base: str, paths: dict[str, str]) -> dict[str, list[dict]]:
    found = {}
    for name, path in paths.items():
        response = page.goto(base + path)
        assert response is not None and response.status == 200, f"{name} {path}"
        violations = _axe_violations(page)
        if violations:
            found[f"{name} {path}"] = violations
    return found


@pytest.fixture(params=["desktop", "phone"])
def any_page(request):
    return request.getfixturevalue(request.param)


@pytest.mark.parametrize("role", list(PAGES_BY_ROLE))
def test_main_pages_have_no_serious_accessibility_violations(live_server, world, any_page, role):
    session = make_session(world.supervisor, [world.worker])
    urls = _urls(world, session)
    page = any_page
    login(page, live_server, role)
    found = _check(page, live_server.url, {name: urls[name] for name in PAGES_BY_ROLE[role]})
    assert not found, "axe-core found serious or critical violations:\n" + _report(found)


def test_sign_in_pages_have_no_serious_accessibility_violations(live_server, world, any_page):
    page = any_page
    found = _check(page, live_server.url, {"login": "/accounts/login/"})
    # The login page with errors shown.
    page.get_by_label("用户名").fill("nobody")
    page.get_by_label("密码").fill("wrong-password")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("alert")).to_be_visible()
    if violations := _axe_violations(page):
        found["login with errors"] = violations
    assert not found, "axe-core found serious or critical violations:\n" + _report(found)


def test_two_factor_pages_have_no_serious_accessibility_violations(
    live_server, world, any_page, settings
):
    settings.DUDAO_REQUIRE_2FA = True
    page = any_page
    login(page, live_server, "district")
    assert "/accounts/otp/setup/" in page.url
    found = {}
    if violations := _axe_violations(page):
        found["two-factor setup"] = violations
    page.get_by_label("6 位验证码").fill("000000")
    page.get_by_role("button", name="完成绑定").click()
    expect(page.get_by_role("alert")).to_be_visible()
    if violations := _axe_violations(page):
        found["two-factor setup with an error"] = violations
    assert not found, "axe-core found serious or critical violations:\n" + _report(found)


def test_the_check_catches_a_violation(live_server, world, desktop):
    """The gate itself: an image without a text alternative (critical) is reported."""
    page = desktop
    page.goto(live_server.url + "/accounts/login/")
    page.evaluate(
        """() => { const img = document.createElement('img');
        img.src = '/static/img/favicon.svg'; document.querySelector('main').append(img); }"""
    )
    assert "image-alt" in {v["id"] for v in _axe_violations(page)}
