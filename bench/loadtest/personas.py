"""Who is on the site during the load test, with fixed counts that add up to 50 (the scenario
is in locustfile.py's docstring): what each persona opens, how often, and what it posts."""

from __future__ import annotations

import datetime as dt
import itertools
import random
import re
import time

from locust import between, events, task
from locust.exception import StopUser

from bench.loadtest.client import DudaoUser, csrf_from, today

SUPERVISOR_USERNAMES = (f"dd{n:04d}" for n in itertools.count(1))
SUBDISTRICT_ADMINS = itertools.cycle(("huayang", "xinjing"))
MENTOR_LABEL, DRILL_LABEL = "师徒式", "训练式"  # SupervisionMode labels, zh-hans
SURNAMES = "王李张刘陈杨黄赵吴周徐孙朱马胡郭"
TOPICS = (
    "楼组自治议题的发现与梳理",
    "加装电梯协商中的分歧处理",
    "老旧小区停车问题的居民议事",
    "志愿者队伍的激励与培养",
    "社区微更新项目的资源对接",
)

HIDDEN_RE = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')
SCORE_CARD_RE = re.compile(
    r'data-score-trainee="(\d+)">\s*<legend>[^<]*<span class="muted small">([^<]*)</span>'
)
SCORE_FIELD_RE = re.compile(r'name="score_(\d+)_([a-z_]+)"')
TRAINEE_LINK_RE = re.compile(r'href="/workers/(\d+)/"')
# What an office types into the roster's committee search (core/widgets.py SearchSelect).
COMMITTEE_SEARCHES = ("居委", "华", "新", "虹", "路", "苑")
SESSION_DETAIL_RE = re.compile(r"^/sessions/(\d+)/$")
EXPORT_DETAIL_RE = re.compile(r"^/workers/exports/(\d+)/$")
RUN_DETAIL_RE = re.compile(r"^/reports/runs/(\d+)/$")
# How the one report run ended: status, error, seconds from request to done (or failed).
REPORT_RUN: dict[str, object] = {}


class Supervisor(DudaoUser):
    """A supervisor writing up the sessions of the day on a phone."""

    fixed_count = 30

    def pick_username(self) -> str:
        return next(SUPERVISOR_USERNAMES)

    @task(3)
    def home(self) -> None:
        self.page("/", "supervisor: home")

    @task(1)
    def my_sessions(self) -> None:
        self.page("/sessions/", "supervisor: session list")

    @task(1)
    def my_trainees(self) -> None:
        self.page("/workers/", "supervisor: my trainees")

    @task(4)
    def log_session(self) -> None:
        form = self.page("/sessions/new/", "supervisor: session form", expect="csrfmiddlewaretoken")
        if not form.ok:
            return
        cards = SCORE_CARD_RE.findall(form.text)
        mentees = [int(pk) for pk, mode in cards if mode.strip() == MENTOR_LABEL]
        drilled = [int(pk) for pk, mode in cards if mode.strip() == DRILL_LABEL]
        data = self.session_data(form.text, mentees, drilled)
        if data is None:
            return  # no trainees assigned: nothing to log, as for a real supervisor
        with self.post_form(
            "/sessions/new/", data, name="supervisor: session save", referer=form.url
        ) as response:
            location = response.headers.get("Location", "")
            if response.status_code == 302 and SESSION_DETAIL_RE.match(location):
                response.success()
            else:
                errors = re.findall(r'class="field-error"[^>]*>\s*<p>([^<]+)', response.text)
                response.failure(f"session not saved ({response.status_code}): {errors[:3]}")
                return
        self.page(location, "supervisor: session page")

    def session_data(self, text: str, mentees: list[int], drilled: list[int]) -> dict | None:
        day = today()
        start = random.choice(("09:00", "10:00", "13:30", "14:30", "16:00"))
        hour, minute = map(int, start.split(":"))
        data: dict[str, object] = dict(HIDDEN_RE.findall(text))  # CSRF, formset management
        data.update(
            {
                "delivery": random.choice(("on_site", "on_site", "remote")),
                "date": day.isoformat(),
                "place": "居委会活动室",
                "start_time": start,
                "end_time": f"{hour + 1:02d}:{minute:02d}",
                "topic": random.choice(TOPICS),
                "raised": "居民对议题的参与度不高，楼组长之间意见不一。",
                "guidance": "先走访关键楼组长，梳理各方诉求，再召开小范围议事会。",
                "next_session_on": (day + dt.timedelta(days=14)).isoformat(),
                # Most logs are submitted straight away; some are kept as drafts to finish later.
                "action": "submit" if random.random() < 0.8 else "save",
                "actions-0-what": "整理楼组长走访记录",
                "actions-0-owner": "学员",
                "actions-0-due_on": (day + dt.timedelta(days=7)).isoformat(),
            }
        )
        if mentees and (len(drilled) < 2 or random.random() < 0.6):
            data["mode"] = "mentor"
            data["attendees"] = [random.choice(mentees)]
            return data
        if len(drilled) >= 2:
            chosen = random.sample(drilled, min(len(drilled), random.randint(2, 4)))
            data["mode"] = "drill"
            data["attendees"] = chosen
            for tid, code in SCORE_FIELD_RE.findall(text):
                if int(tid) in chosen:
                    data[f"score_{tid}_{code}"] = str(random.randint(2, 5))
            return data
        return None


class SubdistrictAdmin(DudaoUser):
    """A subdistrict office looking through its roster and its supervisors' work."""

    fixed_count = 12
    neighbourhoods: list[str]

    def pick_username(self) -> str:
        return next(SUBDISTRICT_ADMINS)

    def on_start(self) -> None:
        super().on_start()
        first = self.page("/workers/", "admin: roster")
        self.neighbourhoods = []
        self.search_committees()
        self.trainees = TRAINEE_LINK_RE.findall(first.text or "")

    @task(1)
    def search_committees(self) -> None:
        """Typing into the committee filter: the widget asks for matching committees."""
        q = random.choice(COMMITTEE_SEARCHES)
        found = self.page(f"/neighbourhoods/options/?q={q}", "admin: committee search")
        try:
            results = found.json().get("results", [])
        except ValueError:
            return
        self.neighbourhoods = [str(r["id"]) for r in results] or self.neighbourhoods

    @task(4)
    def roster_filtered(self) -> None:
        params: dict[str, str] = {}
        if self.neighbourhoods and random.random() < 0.5:
            params["neighbourhood"] = random.choice(self.neighbourhoods)
        if random.random() < 0.4:
            params["post"] = random.choice(("secretary", "director", "deputy", "member", "general"))
        if random.random() < 0.3:
            params["status"] = "active"
        if random.random() < 0.3:
            params["housing_type"] = random.choice(("public_resale", "commercial", "mixed"))
        response = self.page("/workers/", "admin: roster filtered", params=params)
        found = TRAINEE_LINK_RE.findall(response.text or "")
        if found:
            self.trainees = found

    @task(2)
    def roster_search(self) -> None:
        self.page("/workers/", "admin: roster search", params={"q": random.choice(SURNAMES)})

    @task(2)
    def roster_paging(self) -> None:
        self.page("/workers/", "admin: roster page n", params={"page": random.randint(2, 4)})

    @task(3)
    def worker_page(self) -> None:
        if self.trainees:
            self.page(f"/workers/{random.choice(self.trainees)}/", "admin: worker page")

    @task(2)
    def session_logs(self) -> None:
        params = {"page": random.randint(1, 3)}
        self.page("/sessions/", "admin: session list", params=params)

    @task(1)
    def coverage(self) -> None:
        self.page("/supervisors/coverage/", "admin: coverage board")

    @task(1)
    def dashboard(self) -> None:
        self.page("/reports/", "admin: dashboard")


class DistrictHR(DudaoUser):
    """The district's civil-affairs office: coverage, the roster and its exports."""

    fixed_count = 4

    def pick_username(self) -> str:
        return "district"

    @task(3)
    def coverage(self) -> None:
        self.page("/supervisors/coverage/", "hr: coverage board")

    @task(3)
    def roster(self) -> None:
        params = {"page": random.randint(1, 40)} if random.random() < 0.5 else {}
        self.page("/workers/", "hr: roster", params=params)

    @task(1)
    def export_roster_xlsx(self) -> None:
        """A small roster is the response itself; a large one (over 5,000 rows: the city-scale
        district) is built in the background: its progress page, the status polled every two
        seconds as the page's script does, then the file."""
        with self.client.get(
            "/workers/export.xlsx",
            name="hr: roster export xlsx",
            catch_response=True,
            allow_redirects=False,
        ) as response:
            # An XLSX file is a ZIP archive.
            location = response.headers.get("Location", "")
            if response.status_code == 200 and response.content[:2] == b"PK":
                response.success()
                return
            if response.status_code == 302 and EXPORT_DETAIL_RE.match(location):
                response.success()
            else:
                response.failure(f"export answered {response.status_code}")
                return
        self.page(location, "hr: export progress page")
        for _ in range(60):
            status = self.page(f"{location}status/", "hr: export status poll")
            try:
                state = status.json()
            except ValueError:
                return
            if state.get("download"):
                with self.client.get(
                    state["download"], name="hr: export download", catch_response=True
                ) as file:
                    if file.status_code == 200 and file.content[:2] == b"PK":
                        file.success()
                    else:
                        file.failure(f"download answered {file.status_code}")
                return
            if state.get("status") == "failed":
                return  # shown to the user on the progress page; the poll itself answered
            time.sleep(2)

    @task(1)
    def certification(self) -> None:
        self.page("/certification/", "hr: certification dashboard")

    @task(1)
    def certified_list(self) -> None:
        self.page("/certification/certified/", "hr: certified list")


class Leader(DudaoUser):
    """The district leading group, reading figures."""

    fixed_count = 3

    def pick_username(self) -> str:
        return "leader"

    @task(2)
    def home(self) -> None:
        self.page("/", "leader: home")

    @task(3)
    def dashboard(self) -> None:
        year = today().year
        params = random.choice(
            (
                {},
                {"kind": "quarter", "year": year, "number": random.randint(1, 3)},
                {"kind": "month", "year": year, "number": random.randint(1, 10)},
                {"kind": "year", "year": year - 1, "number": 1, "rank": "cadence_pct"},
            )
        )
        self.page("/reports/", "leader: dashboard", params=params)

    @task(1)
    def coverage(self) -> None:
        self.page("/supervisors/coverage/", "leader: coverage board")


class ReportBuilder(DudaoUser):
    """The district administrator who asks for last year's district report, once."""

    fixed_count = 1
    wait_time = between(2, 3)  # the run page polls its status every couple of seconds
    run_path: str | None = None
    requested_at = 0.0
    finished = False

    def pick_username(self) -> str:
        return "district"

    @task
    def report(self) -> None:
        if self.run_path is None:
            self.request_report()
        elif not self.finished:
            self.poll()
        else:
            self.page("/reports/", "report: dashboard")

    def request_report(self) -> None:
        form = self.page("/reports/runs/", "report: run list", expect="csrfmiddlewaretoken")
        data = {
            "csrfmiddlewaretoken": csrf_from(form.text) or "",
            "kind": "year",
            "year": str(today().year - 1),
            "number": "1",
            "subdistrict": "",
            "language": "zh-hans",
        }
        with self.post_form(
            "/reports/runs/", data, name="report: request", referer=form.url
        ) as response:
            location = response.headers.get("Location", "")
            if response.status_code == 302 and RUN_DETAIL_RE.match(location):
                response.success()
                self.run_path = location
                self.requested_at = ReportBuilder.requested_at = time.monotonic()
            else:
                response.failure(f"report not requested ({response.status_code})")
                raise StopUser()
        self.page(self.run_path, "report: run page")

    def poll(self) -> None:
        with self.client.get(
            f"{self.run_path}status/", name="report: status poll", catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"status answered {response.status_code}")
                return
            state = response.json()
            response.success()
        if state["status"] in ("done", "failed"):
            self.finished = True
            # Not a request of its own, so kept out of the request statistics; report.py reads it.
            REPORT_RUN.update(
                status=state["status"],
                error=state.get("error") or "",
                seconds=round(time.monotonic() - self.requested_at, 1),
            )
        if state["status"] == "failed":
            # Counted as an error of the scenario: the report must be built under load.
            events.request.fire(
                request_type="GET",
                name="report: status poll",
                response_time=0,
                response_length=0,
                exception=RuntimeError(f"report build failed: {state.get('error')}"),
                context={},
            )
        elif state["status"] == "done" and state.get("pdf"):
            with self.client.get(
                state["pdf"], name="report: download pdf", catch_response=True
            ) as pdf:
                if pdf.status_code == 200 and pdf.content[:5] == b"%PDF-":
                    pdf.success()
                else:
                    pdf.failure(f"PDF download answered {pdf.status_code}")
