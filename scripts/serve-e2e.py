#!/usr/bin/env python3
"""End-to-end checks of the `policylog serve` page in headless Chromium.

Drives Debian's chromium through chromedriver's W3C WebDriver protocol with nothing but
the standard library: opens the page, moves the date controls, clicks a timeline row,
checks what the page shows, takes the screenshot for docs/, then appends to the log and
checks that the open page follows. Run by scripts/serve-e2e.sh, which starts the server.
"""

import argparse
import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

ELEMENT = "element-6066-11e4-a52e-4f735466cecf"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--lang=en-US",
]


class Failure(Exception):
    pass


class WebDriver:
    """The few WebDriver commands the checks need."""

    def __init__(self, port, profile):
        self.base = f"http://127.0.0.1:{port}"
        caps = {
            "capabilities": {
                "alwaysMatch": {
                    "browserName": "chrome",
                    "goog:chromeOptions": {
                        "binary": shutil.which("chromium") or "/usr/bin/chromium",
                        "args": CHROMIUM_ARGS + [f"--user-data-dir={profile}"],
                    },
                }
            }
        }
        self.session = self.call("POST", "/session", caps)["sessionId"]

    def call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.base + path,
            data=data,
            method=method,
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return json.load(response)["value"]
        except urllib.error.HTTPError as e:
            raise Failure(f"webdriver {method} {path}: {e.read().decode()[:500]}") from e

    def cmd(self, method, path, body=None):
        return self.call(method, f"/session/{self.session}{path}", body)

    def open(self, url):
        self.cmd("POST", "/url", {"url": url})

    def js(self, script, *args):
        return self.cmd("POST", "/execute/sync", {"script": script, "args": list(args)})

    def find(self, css):
        return self.cmd("POST", "/element", {"using": "css selector", "value": css})[ELEMENT]

    def click(self, css):
        self.cmd("POST", f"/element/{self.find(css)}/click", {})

    def resize(self, width, height):
        self.cmd("POST", "/window/rect", {"width": width, "height": height})

    def screenshot(self, path):
        png = base64.b64decode(self.cmd("GET", "/screenshot"))
        with open(path, "wb") as f:
            f.write(png)

    def quit(self):
        try:
            self.call("DELETE", f"/session/{self.session}")
        except Exception:
            pass


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait(what, check, timeout=15):
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        last = check()
        if last:
            return last
        time.sleep(0.1)
    raise Failure(f"timed out waiting for {what} (last seen: {last!r})")


STATE = """
const state = document.querySelector('#state');
return {
  asOf: state.dataset.asOf || null,
  input: document.querySelector('#as-of').value,
  url: location.search,
  cursor: (document.querySelector('#timeline-svg line.cursor') || {dataset: {}}).dataset.day || null,
  cochairs: [...state.querySelectorAll('li.role[data-role="co-chair"]')].map(li => li.dataset.holder).sort(),
  cochairText: [...state.querySelectorAll('li.role[data-role="co-chair"]')].map(li => li.textContent),
  members: [...state.querySelectorAll('li.member')].map(li => li.dataset.member),
  rows: document.querySelectorAll('#timeline-svg g.row').length,
  possibleBars: document.querySelectorAll('#timeline-svg .bar.possible').length,
  certainBars: document.querySelectorAll('#timeline-svg .bar.certain').length,
  marks: document.querySelectorAll('#timeline-svg .mark').length,
  error: document.querySelector('#error').hidden ? null : document.querySelector('#error').textContent,
  head: document.querySelector('#head').textContent,
};
"""

SET_DATE = """
const input = document.querySelector(arguments[0]);
input.value = arguments[1];
input.dispatchEvent(new Event('input', {bubbles: true}));
input.dispatchEvent(new Event('change', {bubbles: true}));
"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True, help="where policylog serve listens")
    ap.add_argument("--db", required=True, help="the log the server reads")
    ap.add_argument("--bin", required=True, help="the policylog binary, to append")
    ap.add_argument("--screenshot", required=True)
    args = ap.parse_args()

    passed = []
    failed = []

    def check(name, condition, detail=""):
        if condition:
            passed.append(name)
            print(f"ok - {name}")
        else:
            failed.append(name)
            print(f"FAILED - {name} {detail}")

    port = free_port()
    driver_log = open(os.path.join(tempfile.gettempdir(), "policylog-chromedriver.log"), "w")
    driver_proc = subprocess.Popen(
        ["chromedriver", f"--port={port}"], stdout=driver_log, stderr=subprocess.STDOUT
    )
    profile = tempfile.mkdtemp(prefix="policylog-chromium-")
    browser = None
    try:
        wait(
            "chromedriver",
            lambda: _ready(port),
            timeout=20,
        )
        browser = WebDriver(port, profile)
        browser.resize(1280, 1000)

        # 1. The page honours ?as_of= and shows the state as of that date.
        browser.open(f"{args.url}/?as_of=2020-12-31")
        s = wait("the state as of 2020-12-31", lambda: _when(browser.js(STATE), "2020-12-31"))
        check("page loads with no error", s["error"] is None, s["error"])
        check("date control shows ?as_of", s["input"] == "2020-12-31", s["input"])
        check(
            "the co-chair as of 2020-12-31 is UN Women (the only one the sources name)",
            s["cochairs"] == ["org:un-women"],
            s["cochairs"],
        )
        check(
            "their 2019/2020 terms are only possible at the end of 2020",
            all("possible" in t for t in s["cochairText"]),
            s["cochairText"],
        )
        check("timeline cursor at 2020-12-31", s["cursor"] == "2020-12-31", s["cursor"])
        check(
            "timeline draws rows, certain and possible bars, and marks",
            s["rows"] >= 20 and s["certainBars"] >= 5 and s["possibleBars"] >= 2 and s["marks"] >= 10,
            s,
        )

        # 2. Moving the date control reloads the state and moves the cursor.
        browser.js(SET_DATE, "#as-of", "2023-12-31")
        s = wait("the state as of 2023-12-31", lambda: _when(browser.js(STATE), "2023-12-31"))
        check(
            "after moving the date: co-chairs are IOM and OSRSG-VAC",
            s["cochairs"] == ["org:iom", "org:osrsg-vac"],
            s["cochairs"],
        )
        check("cursor followed the date control", s["cursor"] == "2023-12-31", s["cursor"])
        check("URL keeps the date", "as_of=2023-12-31" in s["url"], s["url"])

        # 3. Clicking the year axis moves the date control too.
        browser.click("#timeline-svg rect.axis-band")
        s = wait(
            "the state after clicking the axis",
            lambda: (lambda v: v if v["asOf"] and v["asOf"] != "2023-12-31" and v["asOf"] == v["input"] else None)(
                browser.js(STATE)
            ),
        )
        check("clicking the years sets the as-of date", s["asOf"][:4] in ("2021", "2022"), s["asOf"])

        # 4. 'Compare with' shows the diff.
        browser.js(SET_DATE, "#as-of", "2023-12-31")
        wait("the state as of 2023-12-31 again", lambda: _when(browser.js(STATE), "2023-12-31"))
        browser.js(SET_DATE, "#compare", "2020-12-31")
        diff = wait(
            "the diff 2020-12-31/2023-12-31",
            lambda: browser.js(
                "const d = document.querySelector('#diff');"
                "return !d.hidden && d.dataset.range === '2020-12-31/2023-12-31' ? d.innerText : null;"
            ),
        )
        check("diff shows IOM beginning as co-chair", "began as" in diff and "IOM" in diff, diff[:300])
        check("diff shows UN Women's term over", "no longer recorded as" in diff and "UN Women" in diff, diff[:300])
        check(
            "compare line drawn on the timeline",
            browser.js("return document.querySelectorAll('#timeline-svg line.compare-line').length") == 1,
        )

        # 5. Clicking an entry shows its quote, its source and the quote in the document.
        browser.click('#timeline-svg g.row[data-key="role|org:icat|co-chair|org:iom"]')
        detail = wait(
            "the evidence panel",
            lambda: browser.js(
                "const m = document.querySelector('#document mark');"
                "const q = document.querySelector('#detail-body blockquote');"
                "const c = document.querySelector('#detail-body cite');"
                "return m && q && c ? {mark: m.textContent, quote: q.textContent, cite: c.textContent,"
                " articles: document.querySelectorAll('#detail-body article.evidence').length} : null;"
            ),
        )
        norm = lambda t: " ".join(t.split())
        check("evidence panel lists both sources of IOM's term", detail["articles"] == 2, detail)
        check(
            "the quote is highlighted in the document text",
            norm(detail["mark"]) == norm(detail["quote"]) and "IOM" in detail["mark"] + detail["quote"],
            detail,
        )
        check("the source title is shown", len(detail["cite"]) > 10, detail["cite"])
        browser.resize(1280, 1640)
        browser.js("window.scrollTo(0, 0)")
        time.sleep(0.3)
        os.makedirs(os.path.dirname(args.screenshot) or ".", exist_ok=True)
        browser.screenshot(args.screenshot)
        check("screenshot written", os.path.getsize(args.screenshot) > 20_000, args.screenshot)

        # 6. Works offline: every resource came from this server.
        foreign = browser.js(
            "return performance.getEntriesByType('resource').map(e => e.name)"
            ".filter(n => !n.startsWith(location.origin));"
        )
        check("nothing fetched from elsewhere", foreign == [], foreign)

        # 7. The page follows the log: a retraction appended now shows up without a reload.
        wait("the event stream", lambda: "following" in browser.js(STATE)["head"])
        subprocess.run(
            [args.bin, "--db", args.db, "retract", "cbss-joins-icat", "--reason", "e2e: the page follows the log"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        s = wait("the page to follow the append", lambda: (lambda v: v if "log head 136" in v["head"] else None)(browser.js(STATE)))
        s = wait("the state to drop CBSS", lambda: (lambda v: v if "org:cbss" not in v["members"] else None)(browser.js(STATE)))
        check("a live append reaches the open page", "org:cbss" not in s["members"], s["members"])
    except Failure as e:
        failed.append(str(e))
        print(f"FAILED - {e}")
    finally:
        if browser:
            browser.quit()
        driver_proc.terminate()
        try:
            driver_proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            driver_proc.kill()
        shutil.rmtree(profile, ignore_errors=True)

    print(f"{len(passed)} passed, {len(failed)} failed")
    return 1 if failed else 0


def _ready(port):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/status", timeout=2) as r:
            return json.load(r)["value"].get("ready")
    except Exception:
        return False


def _when(state, day):
    return state if state["asOf"] == day and state["cursor"] == day else None


if __name__ == "__main__":
    sys.exit(main())
