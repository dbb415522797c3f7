"""How a simulated person uses Dudao in the load test (locustfile.py): signs in once through
the real login form, opens pages and posts forms, and counts anything a browser would not
accept as a failure. The personas (personas.py) build on `DudaoUser`."""

from __future__ import annotations

import datetime as dt
import html
import re
from http.cookiejar import DefaultCookiePolicy
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from locust import HttpUser, between
from locust.exception import StopUser

PASSWORD = "dudao-demo-2026"  # demo.context.DEMO_PASSWORD
TZ = ZoneInfo("Asia/Shanghai")  # settings.TIME_ZONE: "today" as the server reckons it
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _loopback_secure_ok(self, cookie, request) -> bool:
    return urlsplit(request.get_full_url()).hostname in ("127.0.0.1", "localhost") or (
        _return_ok_secure(self, cookie, request)
    )


# Production settings mark the session and CSRF cookies Secure (nginx terminates TLS in front of
# gunicorn); this test talks plain HTTP to gunicorn on 127.0.0.1, where http.cookiejar would keep
# those cookies back. Browsers treat http://localhost as a secure context, so do the same here.
# Patched on the class because requests merges every request's cookies into a fresh jar with
# the default policy; only this load-generator process is affected.
_return_ok_secure = DefaultCookiePolicy.return_ok_secure
DefaultCookiePolicy.return_ok_secure = _loopback_secure_ok


def today() -> dt.date:
    return dt.datetime.now(TZ).date()


def csrf_from(text: str) -> str | None:
    match = CSRF_RE.search(text)
    return html.unescape(match.group(1)) if match else None


class DudaoUser(HttpUser):
    abstract = True
    # Think time between pages: people read what they opened. 3–8 s keeps the 50 of them busy
    # (about 9 requests a second in all) without turning the test into a flood.
    wait_time = between(3, 8)
    username: str = ""

    def on_start(self) -> None:
        # The site is Chinese first; pin it so the form labels parsed below are the Chinese ones.
        self.client.headers["Accept-Language"] = "zh-CN,zh;q=0.9"
        self.username = self.pick_username()
        self.login()

    def pick_username(self) -> str:
        raise NotImplementedError

    def login(self) -> None:
        page = self.client.get("/accounts/login/", name="login: form")
        token = csrf_from(page.text)
        with self.client.post(
            "/accounts/login/",
            data={
                "csrfmiddlewaretoken": token or "",
                "username": self.username,
                "password": PASSWORD,
                "next": "",
            },
            headers={"Referer": page.url},
            allow_redirects=False,
            name="login: sign in",
            catch_response=True,
        ) as response:
            if response.status_code == 302 and response.headers.get("Location") == "/":
                response.success()
                return
            response.failure(f"sign-in of {self.username} failed ({response.status_code})")
        raise StopUser()

    def page(self, path: str, name: str, *, expect: str | None = None, **kwargs):
        """GET a page; a failure unless it is a 200 (with `expect` in the body, when given)."""
        with self.client.get(path, name=name, catch_response=True, **kwargs) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} for {path}")
            elif response.url and "/accounts/login/" in urlsplit(response.url).path:
                response.failure(f"signed out on {path}")
            elif expect is not None and expect not in response.text:
                response.failure(f"{expect!r} missing from {path}")
            else:
                response.success()
            return response

    def post_form(self, path: str, data: dict, *, name: str, referer: str):
        return self.client.post(
            path,
            data=data,
            headers={"Referer": referer},
            allow_redirects=False,
            name=name,
            catch_response=True,
        )
