#!/usr/bin/env python3
"""End-to-end checks of the `policylog serve` page in headless Chromium.

Drives Debian's chromium through chromedriver's W3C WebDriver protocol with nothing but
the standard library: opens the page, moves the date controls, clicks a timeline row,
checks what the page shows, takes the screenshot for docs/; then opens it again as a phone
(390x844, touch, devicePixelRatio 3), measures the layout, taps a year and a row, and
checks a phone screenshot; then appends to the log and checks that the open page follows.
Run by scripts/serve-e2e.sh, which starts the server.
"""

import argparse
import base64
import json
import os
import shutil
import socket
import struct
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

    def __init__(self, port, profile, mobile=None):
        self.base = f"http://127.0.0.1:{port}"
        options = {
            "binary": shutil.which("chromium") or "/usr/bin/chromium",
            "args": CHROMIUM_ARGS + [f"--user-data-dir={profile}"],
        }
        if mobile:
            options["mobileEmulation"] = mobile
        caps = {"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": options}}}
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

    def js_async(self, script, *args):
        return self.cmd("POST", "/execute/async", {"script": script, "args": list(args)})

    def find(self, css):
        return self.cmd("POST", "/element", {"using": "css selector", "value": css})[ELEMENT]

    def click(self, css):
        self.cmd("POST", f"/element/{self.find(css)}/click", {})

    def press(self, x, y, touch=False):
        """A click (or, with `touch`, a tap) at a point of the viewport, as a user makes it."""
        kind = "touch" if touch else "mouse"
        steps = [
            {"type": "pointerMove", "duration": 0, "x": round(x), "y": round(y), "origin": "viewport"},
            {"type": "pointerDown", "button": 0},
            {"type": "pause", "duration": 40},
            {"type": "pointerUp", "button": 0},
        ]
        self.cmd("POST", "/actions", {"actions": [{"type": "pointer", "id": kind, "parameters": {"pointerType": kind}, "actions": steps}]})
        self.cmd("DELETE", "/actions")

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

# The years the axis writes, and where one of them is on screen (scrolled into view).
YEAR_LABELS = """
return [...document.querySelectorAll('#timeline-svg .axis text')]
  .map(t => t.textContent.trim()).filter(t => /^\\d{4}$/.test(t)).map(Number);
"""
AT_YEAR = """
const label = [...document.querySelectorAll('#timeline-svg .axis text')]
  .find(t => t.textContent.trim() === String(arguments[0]));
if (!label) return null;
label.scrollIntoView({block: 'center', inline: 'center'});
const r = label.getBoundingClientRect();
return {x: r.left + r.width / 2, y: r.top + r.height / 2};
"""

# Rectangles are {left, top, right, bottom, width, height} in CSS pixels of the viewport.
RECT = "const rect = (el) => { const r = el.getBoundingClientRect(); return {left: r.left, top: r.top, right: r.right, bottom: r.bottom, width: r.width, height: r.height}; };"

LAYOUT = RECT + """
const tl = document.querySelector('#timeline');
const box = rect(tl);
const texts = [...document.querySelectorAll('#timeline-svg text')].filter(t => t.textContent.trim());
const years = [...document.querySelectorAll('#timeline-svg .axis text')].map(rect).sort((a, b) => a.left - b.left);
const control = (name, el) => el ? {name, ...rect(el)} : {name, missing: true};
const asOf = document.querySelector('#as-of');
const compare = document.querySelector('#compare');
const cursor = document.querySelector('#timeline-svg line.cursor');
return {
  width: innerWidth, height: innerHeight, dpr: devicePixelRatio, touch: navigator.maxTouchPoints,
  scrollWidth: document.scrollingElement.scrollWidth,
  panels: ['#state', '#diff', '#detail'].map(s => ({name: s, ...rect(document.querySelector(s))})),
  controls: [control('as-of label', asOf.labels[0]), control('#as-of', asOf),
             control('compare-with label', compare.labels[0]), control('#compare', compare),
             control('#clear-compare', document.querySelector('#clear-compare'))],
  texts: texts.length,
  heights: texts.map(t => rect(t).height),
  small: texts.filter(t => rect(t).height < 11).map(t => `${t.textContent.slice(0, 24)} (${rect(t).height.toFixed(1)} px)`),
  yearsOverlap: years.some((r, i) => i > 0 && r.left < years[i - 1].right),
  timeline: box,
  scrolls: tl.scrollWidth > tl.clientWidth,
  cut: [...document.querySelectorAll('#timeline-svg .row-label')].filter(t => {
    const r = rect(t); return r.left < box.left - 1 || r.right > box.right + 1; }).map(t => t.firstChild.textContent),
  cursor: cursor ? rect(cursor) : null,
};
"""

# Decodes a PNG in the browser (no imaging library needed here) and describes it: its
# colours (4 bits a channel), the share of the commonest colour, and for each region
# (device pixels) how much of it is ink (luma below 150) and how many colours it holds.
PNG_STATS = """
const [b64, regions, done] = arguments;
const img = new Image();
img.onerror = () => done({error: 'the screenshot does not decode'});
img.onload = () => {
  const c = Object.assign(document.createElement('canvas'), {width: img.naturalWidth, height: img.naturalHeight});
  c.getContext('2d').drawImage(img, 0, 0);
  const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  const key = (i) => ((px[i] >> 4) << 8) | ((px[i + 1] >> 4) << 4) | (px[i + 2] >> 4);
  const counts = new Map();
  for (let i = 0; i < px.length; i += 4) counts.set(key(i), (counts.get(key(i)) || 0) + 1);
  const region = ([x, y, w, h]) => {
    let ink = 0, n = 0; const colours = new Set();
    for (let yy = Math.max(0, Math.floor(y)); yy < Math.min(c.height, Math.ceil(y + h)); yy++) {
      for (let xx = Math.max(0, Math.floor(x)); xx < Math.min(c.width, Math.ceil(x + w)); xx++) {
        const i = (yy * c.width + xx) * 4;
        if (0.299 * px[i] + 0.587 * px[i + 1] + 0.114 * px[i + 2] < 150) ink++;
        colours.add(key(i)); n++;
      }
    }
    return {pixels: n, ink: n ? ink / n : 0, colours: colours.size};
  };
  done({colours: counts.size, commonest: Math.max(...counts.values()) / (px.length / 4), regions: regions.map(region)});
};
img.src = 'data:image/png;base64,' + b64;
"""

PHONE = (390, 844)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True, help="where policylog serve listens")
    ap.add_argument("--db", required=True, help="the log the server reads")
    ap.add_argument("--bin", required=True, help="the policylog binary, to append")
    ap.add_argument("--screenshot", required=True)
    ap.add_argument("--phone-screenshot", required=True)
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
        # What the page shows is what the API answers (the curated data may grow), and the
        # sources name 2020's co-chairs only as possible (a 2019/2020 term).
        want = cochairs(api(args.url, "/api/state?as_of=2020-12-31&group=org:icat"))
        check(
            "the co-chairs as of 2020-12-31 are the API's, UN Women among them",
            s["cochairs"] == sorted(want) and "org:un-women" in want,
            (s["cochairs"], want),
        )
        check(
            "their 2019/2020 terms are only possible at the end of 2020",
            len(s["cochairText"]) == len(want)
            and all("possible" in t for t in s["cochairText"])
            and set(want.values()) == {"possible"},
            (s["cochairText"], want),
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
        want = cochairs(api(args.url, "/api/state?as_of=2023-12-31&group=org:icat"))
        check(
            "after moving the date: the co-chairs are the API's, IOM and OSRSG-VAC among them",
            s["cochairs"] == sorted(want) and {"org:iom", "org:osrsg-vac"} <= set(want),
            (s["cochairs"], want),
        )
        check("cursor followed the date control", s["cursor"] == "2023-12-31", s["cursor"])
        check("URL keeps the date", "as_of=2023-12-31" in s["url"], s["url"])

        # 3. Clicking a year on the axis moves the date control to that year's last day (as
        #    the CLI reads a bare year), not to the day under the pointer.
        timeline = api(args.url, "/api/timeline")
        first_year, last_year = fact_years(timeline)
        labels = browser.js(YEAR_LABELS)
        every = last_year - first_year > 12 or set(range(first_year, last_year + 1)) <= set(labels)
        check("the axis writes the years of the log", labels and every, (labels, first_year, last_year))
        year = year_to_click(labels, first_year, last_year, "2023-12-31")
        at = browser.js(AT_YEAR, year)
        browser.press(at["x"], at["y"])
        s = wait("the state after clicking a year", lambda: _moved(browser.js(STATE), "2023-12-31"))
        check(f"clicking the year {year} sets the date to its last day", s["asOf"] == f"{year}-12-31", s["asOf"])
        check("the cursor moved to that day", s["cursor"] == s["asOf"], s)

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

        # The page on a phone, in a browser of its own (before the append below changes the log).
        phone(args, port, check, timeline)

        # 7. The page follows the log: a retraction appended now shows up without a reload.
        wait("the event stream", lambda: "following" in browser.js(STATE)["head"])
        # The head after the append, from the log itself: the curated count is never written down.
        seq = int(subprocess.run([args.bin, "--db", args.db, "head"], check=True, capture_output=True, text=True).stdout.split()[0])
        subprocess.run(
            [args.bin, "--db", args.db, "retract", "cbss-joins-icat", "--reason", "e2e: the page follows the log"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        s = wait("the page to follow the append", lambda: (lambda v: v if f"log head {seq + 1}" in v["head"] else None)(browser.js(STATE)))
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


def phone(args, port, check, timeline):
    """The page at 390x844: no sideways overflow, stacked panels, controls in view and big
    enough for a finger, legible timeline text, a tapped year, a tapped row's evidence, and
    a screenshot whose pixels agree with the layout. Dates come from the log, not from here."""
    first_year, last_year = fact_years(timeline)
    as_of = f"{max(first_year, last_year - 1)}-12-31"
    compare = f"{min(first_year + 1, last_year)}-12-31"
    width, height = PHONE
    profile = tempfile.mkdtemp(prefix="policylog-chromium-phone-")
    metrics = {"width": width, "height": height, "pixelRatio": 3, "touch": True, "mobile": True}
    touch = True
    browser = None
    try:
        try:
            browser = WebDriver(port, profile, mobile={"deviceMetrics": metrics})
        except Failure as e:
            print(f"note - no mobile emulation in this chromedriver ({e}); a {width}x{height} window, no touch")
            browser = WebDriver(port, profile)
            browser.resize(width, height)
            touch = False
        page = f"{args.url}/?as_of={as_of}&compare={compare}&live=0"

        def ready(day=as_of):
            return wait(f"the phone page as of {day}", lambda: _when(browser.js(STATE), day))

        browser.open(page)
        ready()
        time.sleep(0.3)  # the timeline redraws once the page's final width is known
        m = browser.js(LAYOUT)
        print(f"# phone: viewport {m['width']}x{m['height']} at {m['dpr']}x, page {m['scrollWidth']} px wide, "
              f"timeline text {min(m['heights']):.1f}-{max(m['heights']):.1f} px tall, panels "
              + ", ".join(f"{p['name']} {p['width']:.0f} px" for p in m["panels"]))
        if touch:
            check("phone: touch and devicePixelRatio 3 emulated", m["touch"] > 0 and m["dpr"] == 3, m["dpr"])
        check(f"phone: the viewport stays {width} px wide", m["width"] == width, m["width"])
        check("phone: no sideways overflow of the page", m["scrollWidth"] <= width, m["scrollWidth"])
        check("phone: every timeline text is at least 11 px tall", m["texts"] > 0 and not m["small"], m["small"][:8])
        check("phone: year labels do not overlap", not m["yearsOverlap"])
        check("phone: the timeline box fits the screen", 0 <= m["timeline"]["left"] and m["timeline"]["right"] <= width,
              m["timeline"])
        check("phone: row labels are whole inside the timeline box", not m["cut"], m["cut"][:5])
        panels = m["panels"]
        check("phone: the panels are stacked, each at least 90% of the width",
              all(p["width"] >= 0.9 * width for p in panels)
              and all(b["top"] >= a["bottom"] - 1 for a, b in zip(panels, panels[1:])),
              [(p["name"], round(p["left"]), round(p["top"]), round(p["width"])) for p in panels])
        outside = [c["name"] for c in m["controls"]
                   if c.get("missing") or c["left"] < 0 or c["right"] > width or c["top"] < 0 or c["bottom"] > m["height"]]
        check("phone: the date and compare-with controls are wholly on screen", not outside, (outside, m["controls"]))
        small = [f"{c['name']} {c['height']:.0f} px" for c in m["controls"]
                 if c["name"].startswith("#") and not c.get("missing") and c["height"] < 44]
        check("phone: the controls are at least 44 px tall, for a finger", not small, small)

        # The screenshot: dimensions, not blank, and the key elements drawn where the
        # layout says they are (loose checks that survive new data, unlike a pixel diff).
        browser.js("window.scrollTo(0, 0)")
        time.sleep(0.3)
        keys = browser.js(RECT + """
            const box = rect(document.querySelector('#timeline'));
            const year = [...document.querySelectorAll('#timeline-svg .axis text')]
              .find(t => rect(t).left >= box.left && rect(t).right <= box.right);
            const cursor = document.querySelector('#timeline-svg line.cursor');
            return [['#as-of', document.querySelector('#as-of')], ['#compare', document.querySelector('#compare')],
                    ['#clear-compare', document.querySelector('#clear-compare')], ['a year label', year],
                    ['the first row label', document.querySelector('#timeline-svg .row-label')], ['the as-of line', cursor]]
              .map(([name, el]) => ({name, ...(el ? rect(el) : {missing: true})}));""")
        png = base64.b64decode(browser.cmd("GET", "/screenshot"))
        os.makedirs(os.path.dirname(args.phone_screenshot) or ".", exist_ok=True)
        with open(args.phone_screenshot, "wb") as f:
            f.write(png)
        dpr = m["dpr"]
        size = struct.unpack(">II", png[16:24]) if png[:8] == b"\x89PNG\r\n\x1a\n" else None
        check("phone screenshot: a PNG of the viewport's device pixels",
              size == (round(width * dpr), round(m["height"] * dpr)), (size, dpr))
        missing = [k["name"] for k in keys if k.get("missing") or k["left"] < 0 or k["right"] > width or k["top"] < 0
                   or k["top"] >= m["height"] or (k["name"] != "the as-of line" and k["bottom"] > m["height"])]
        check("phone screenshot: date, compare-with, a year, a row and the as-of line are in view", not missing, missing)
        # (a line's box is 0 px wide: look a pixel to either side)
        regions = [[(k["left"] - (k["width"] < 2)) * dpr, k["top"] * dpr, max(k["width"], 2) * dpr,
                    (min(k["bottom"], m["height"]) - k["top"]) * dpr] for k in keys if not k.get("missing")]
        stats = browser.js_async(PNG_STATS, base64.b64encode(png).decode(), regions)
        check("phone screenshot: not blank (many colours, no colour covering 95%)",
              not stats.get("error") and stats["colours"] >= 16 and stats["commonest"] < 0.95,
              {k: v for k, v in stats.items() if k != "regions"})
        blank = [k["name"] for k, r in zip([k for k in keys if not k.get("missing")], stats.get("regions", []))
                 if r["pixels"] == 0 or r["ink"] < (0.2 if k["name"] == "the as-of line" else 0.01)]
        check("phone screenshot: ink where the layout puts the controls, a year, a row and the line", not blank,
              (blank, stats.get("regions")))

        # A tapped year: the date moves to its last day.
        year = year_to_click(browser.js(YEAR_LABELS), first_year, last_year, as_of)
        at = browser.js(AT_YEAR, year)
        browser.press(at["x"], at["y"], touch=touch)
        s = wait("the phone page after tapping a year", lambda: _moved(browser.js(STATE), as_of))
        check(f"phone: tapping the year {year} sets the date to its last day", s["asOf"] == f"{year}-12-31", s["asOf"])

        # A tapped row: its evidence comes into view, with the quote highlighted in the document.
        fact = next(f for f in timeline["facts"] if f["kind"] == "role.assigned" and f["quote"] and f["source"])
        p = fact["payload"]
        key = f"role|{p['group']}|{p['role']}|{p['holder']}"
        at = browser.js(RECT + """
            const label = document.querySelector(`#timeline-svg g.row[data-key="${arguments[0]}"] .row-label`);
            if (!label) return null;
            label.scrollIntoView({block: 'center'});
            const r = rect(label); return {x: r.left + Math.min(r.width / 2, 40), y: r.top + r.height / 2};""", key)
        check("phone: the row of a term is drawn", at is not None, key)
        browser.press(at["x"], at["y"], touch=touch)
        shown = wait("the evidence on the phone", lambda: browser.js(RECT + """
            const mark = document.querySelector('#document mark');
            const doc = document.querySelector('#document');
            const quotes = [...document.querySelectorAll('#detail-body blockquote')].map(q => q.textContent);
            if (!mark || !quotes.length) return null;
            return {mark: mark.textContent, quotes, markBox: rect(mark), docBox: rect(doc),
                    detail: rect(document.querySelector('#detail')), height: innerHeight,
                    ids: [...document.querySelectorAll('#detail-body article')].map(a => a.dataset.id)};"""))
        norm = lambda text: " ".join(text.split())
        check("phone: the tapped row's evidence lists its event", fact["id"] in shown["ids"], shown["ids"])
        check("phone: the first quote is highlighted in its document",
              norm(shown["mark"]) == norm(shown["quotes"][0]) and norm(fact["quote"]) in map(norm, shown["quotes"]),
              shown)
        still(browser)
        settled = browser.js(RECT + "const d = rect(document.querySelector('#detail')); return 0 <= d.top && d.top < innerHeight / 2 ? d : null;")
        check("phone: the evidence is brought into view", settled is not None, shown["detail"])
        box = browser.js(RECT + "return [rect(document.querySelector('#document mark')), rect(document.querySelector('#document'))];")
        check("phone: the highlight is inside the document's visible part",
              box[0]["top"] < box[1]["bottom"] and box[0]["bottom"] > box[1]["top"] and box[1]["right"] <= width, box)
        back = browser.js(RECT + "const b = document.querySelector('#back');"
                          "return b && !b.hidden && rect(b).top >= 0 && rect(b).bottom <= innerHeight ? rect(b) : null;")
        check("phone: a way back to the tapped row, on screen", back is not None)
        if back:
            browser.press(back["left"] + back["width"] / 2, back["top"] + back["height"] / 2, touch=touch)
            still(browser)
            returned = poll(lambda: browser.js(RECT + """
                const r = rect(document.querySelector(`#timeline-svg g.row[data-key="${arguments[0]}"]`));
                return r.top >= 0 && r.bottom <= innerHeight ? r : null;""", key))
            check("phone: back brings the tapped row into view", returned is not None)

        # Far more years than fit (the axis reaches out to a date years after the log):
        # still no page overflow, legible text, labels whole, the as-of line in the box.
        far = f"{last_year + 5}-12-31"
        browser.open(f"{args.url}/?as_of={far}&live=0")
        ready(far)
        time.sleep(0.3)
        m = browser.js(LAYOUT)
        print(f"# phone, many years: the timeline box {m['timeline']['width']:.0f} px wide, "
              + ("its drawing scrolls inside it" if m["scrolls"] else "its drawing fits it"))
        line = m["cursor"] or {"left": -1, "right": -1}
        check("phone, many years: no sideways overflow of the page", m["scrollWidth"] <= width, m["scrollWidth"])
        check("phone, many years: text at least 11 px tall, years apart", not m["small"] and not m["yearsOverlap"],
              m["small"][:5])
        check("phone, many years: the as-of line is in the timeline box",
              m["timeline"]["left"] <= line["left"] and line["right"] <= m["timeline"]["right"], (line, m["timeline"]))
        browser.js("const t = document.querySelector('#timeline'); t.scrollLeft = t.scrollWidth / 2;")
        time.sleep(0.3)
        m2 = browser.js(LAYOUT)
        check("phone, many years: row labels stay whole while the timeline scrolls", not m2["cut"], m2["cut"][:5])
    except Failure as e:
        check(f"phone: {e}", False)
    finally:
        if browser:
            browser.quit()
        shutil.rmtree(profile, ignore_errors=True)


def api(base, path):
    with urllib.request.urlopen(base + path, timeout=30) as response:
        return json.load(response)


def cochairs(state):
    """ICAT's co-chairs in an /api/state answer, with the certainty of each."""
    roles = state["groups"].get("org:icat", {}).get("roles", [])
    return {r["holder"]: r["certainty"] for r in roles if r["role"] == "co-chair"}


# The kinds the timeline draws (docs/serve.md, "The page"): not statistics or representatives.
DRAWN = ("membership.", "role.", "call.", "commitment.", "instrument.", "meeting.", "publication.")


def fact_years(timeline):
    """The first and last year that the valid time of a fact the timeline draws touches."""
    days = [day for f in timeline["facts"] if f["kind"].startswith(DRAWN)
            for side in (f["span"]["start"], f["span"]["end"]) if side for day in side]
    if not days:
        raise Failure("the log has no dated facts to draw")
    return int(min(days)[:4]), int(max(days)[:4])


def year_to_click(labels, first_year, last_year, as_of):
    """A year the axis writes, within the log's years, other than the as-of date's."""
    inside = [y for y in labels if first_year <= y <= last_year and str(y) != as_of[:4]]
    if not inside:
        raise Failure(f"the axis writes no year of the log to click ({labels})")
    return inside[len(inside) // 2]


def still(browser):
    """Waits until the page has stopped scrolling (it scrolls smoothly)."""
    seen = [None]

    def stopped():
        time.sleep(0.15)
        seen.append(browser.js("return window.scrollY"))
        return seen[-1] == seen[-2]

    poll(stopped)


def poll(check, timeout=5):
    """Like wait, but gives None instead of failing when the time is up."""
    try:
        return wait("", check, timeout)
    except Failure:
        return None


def _moved(state, before):
    return state if state["asOf"] and state["asOf"] != before and state["asOf"] == state["input"] else None


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
