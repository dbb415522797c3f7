"""Take the README's screenshots from a running `make run` (http://127.0.0.1:8000)."""

import sys

from playwright.sync_api import sync_playwright

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
SHOTS = [
    ("huayang", "/workers/", "roster", 1280),
    ("district", "/structure/", "structure", 1280),
    ("district", "/", "home-district", 1280),
    ("supervisor", "/", "supervisor-phone", 375),
    ("worker", "/", "worker-phone", 375),
    ("district", "/supervisors/coverage/", "coverage", 1280),
    ("district", "/sessions/", "sessions", 1280),
]


def main() -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for username, path, name, width in SHOTS:
            context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
            page = context.new_page()
            page.goto(f"{BASE}/accounts/login/")
            page.fill("input[name=username]", username)
            page.fill("input[name=password]", "dudao-demo-2026")
            page.get_by_role("button", name="登录").click()
            page.wait_for_load_state()
            page.goto(BASE + path)
            page.screenshot(path=f"docs/screenshots/{name}.png", full_page=width < 500)
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
