#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""Drives bootd's status page in headless Chromium (chromedriver through
python3-selenium) for tests/integration/96-statuspage.sh.

Reads one command per line on stdin and answers one line on stdout,
"ok [text]" or "fail <what it saw>", so the shell test interleaves real
clients (DHCP, TFTP, curl) with checks of the page as the browser renders
it. Every wait is bounded by the SECS the command gives.

  load URL                  open the page, wait for its first poll, then
                            set window.__noReload (a reload would lose it)
  state HOST STATE SECS     wait until the host's row shows STATE
  select HOST               click the host's row (its timeline opens)
  timeline SECS STAGE...    wait until the timeline SVG has a mark of
                            each STAGE (a "GUEST:STAGE" names a guest's)
  text SECS CSS TEXT...     wait until an element CSS (no spaces) holds
                            TEXT in its textContent
  eval JS                   the JSON of a script's return value
  size W H                  resize the window
  screenshot FILE           a PNG of the whole page
  console                   fail on any error in the browser's console
  quit

Usage: statuspage.py TMPDIR (Chromium's profile goes there; removed at
exit). Exits 0 after quit, 1 when the browser cannot start.
"""
import json
import os
import shutil
import signal
import sys
import time

from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

driver = None
profile = None


def out(line):
    sys.stdout.write(line.replace("\n", " ") + "\n")
    sys.stdout.flush()


def start(tmp):
    global driver, profile
    profile = os.path.join(tmp, "chromium-profile")
    os.makedirs(profile, exist_ok=True)
    o = webdriver.ChromeOptions()
    o.binary_location = "/usr/bin/chromium"
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu",
              "--user-data-dir=" + profile, "--window-size=1280,900",
              "--disable-dev-shm-usage", "--no-first-run",
              "--no-default-browser-check", "--disable-extensions",
              "--disable-background-networking", "--disable-sync",
              "--disable-component-update", "--disable-default-apps",
              "--disable-features=Translate,OptimizationHints,"
              "MediaRouter,AutofillServerCommunication",
              "--hide-scrollbars", "--force-device-scale-factor=1"):
        o.add_argument(a)
    o.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    svc = Service(executable_path="/usr/bin/chromedriver",
                  log_path=os.path.join(tmp, "chromedriver.log"))
    driver = webdriver.Chrome(service=svc, options=o)
    driver.set_page_load_timeout(20)
    driver.set_script_timeout(10)


def stop(*_):
    global driver
    if driver is not None:
        try:
            driver.quit()
        except Exception:
            pass
        driver = None
    if profile is not None:
        shutil.rmtree(profile, ignore_errors=True)


def wait(secs, fn):
    """fn() until it returns something true, for at most secs."""
    end = time.monotonic() + float(secs)
    while True:
        try:
            r = fn()
        except WebDriverException:
            r = None
        if r:
            return r
        if time.monotonic() >= end:
            return None
        time.sleep(0.1)


def js(src, *args):
    return driver.execute_script(src, *args)


NO_RELOAD = "return window.__noReload === 'bootd-test';"

STATE_OF = """
const tr = Array.from(document.querySelectorAll('#hosts tbody tr'))
    .find((r) => r.dataset.host === arguments[0]);
const td = tr && tr.querySelector('td.state');
return td ? td.textContent : null;
"""

STAGES = """
const seen = [];
for (const m of document.querySelectorAll('#timeline svg [data-stage]'))
    seen.push(m.dataset.host + ':' + m.dataset.stage);
return seen;
"""


def cmd_load(url):
    driver.get(url)
    r = wait(15, lambda: js(
        "return document.getElementById('live').className"
        ".includes('live-ok');"))
    if not r:
        return "fail first poll not ok: " + str(js(
            "return document.getElementById('live').textContent;"))
    js("window.__noReload = 'bootd-test';")
    return "ok " + driver.title


def cmd_state(host, state, secs):
    seen = []

    def f():
        s = js(STATE_OF, host)
        if not seen or seen[-1] != s:
            seen.append(s)
        return s == state
    r = wait(secs, f)
    if not js(NO_RELOAD):
        return "fail the page was reloaded"
    if not r:
        return "fail %s shows %s" % (host, " -> ".join(map(str, seen)))
    return "ok " + " -> ".join(map(str, seen))


def cmd_select(host):
    for tr in driver.find_elements(By.CSS_SELECTOR, "#hosts tbody tr"):
        if tr.get_attribute("data-host") == host:
            tr.click()
            return "ok"
    return "fail no row for " + host


def cmd_timeline(secs, stages):
    host = js("return window.location.hash;")

    def f():
        seen = js(STAGES)
        plain = {s.split(":", 1)[1] for s in seen}
        return all((s in seen) if ":" in s else (s in plain)
                   for s in stages)
    r = wait(secs, f)
    if not js(NO_RELOAD):
        return "fail the page was reloaded"
    seen = js(STAGES)
    if not r:
        return "fail timeline of %s has %s" % (host, " ".join(seen))
    return "ok " + " ".join(seen)


TEXTS = """
return Array.from(document.querySelectorAll(arguments[0]))
    .map((e) => e.textContent);
"""


def cmd_text(secs, css, text):
    r = wait(secs, lambda: any(text in t for t in js(TEXTS, css)))
    if not r:
        return "fail %s: %r not in %r" % (css, text, js(TEXTS, css)[:5])
    return "ok"


def cmd_screenshot(path):
    w = driver.get_window_size()["width"]
    h = js("return Math.min(3000, document.documentElement.scrollHeight);")
    driver.set_window_size(w, max(400, h + 20))
    js("window.scrollTo(0, 0);")
    time.sleep(0.3)
    driver.save_screenshot(path)
    return "ok %dx%d" % (w, h)


def cmd_console():
    bad = [e for e in driver.get_log("browser")
           if e.get("level") in ("SEVERE", "ERROR")]
    if bad:
        return "fail " + " | ".join(e.get("message", "")[:300] for e in bad)
    return "ok"


def main():
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    try:
        start(sys.argv[1])
    except Exception as e:
        out("fail browser: %s" % str(e).splitlines()[0])
        stop()
        return 1
    out("ok ready")
    try:
        for line in sys.stdin:
            a = line.split()
            if not a:
                continue
            try:
                if a[0] == "quit":
                    out("ok")
                    break
                elif a[0] == "load":
                    out(cmd_load(a[1]))
                elif a[0] == "state":
                    out(cmd_state(a[1], a[2], a[3]))
                elif a[0] == "select":
                    out(cmd_select(a[1]))
                elif a[0] == "timeline":
                    out(cmd_timeline(a[1], a[2:]))
                elif a[0] == "text":
                    out(cmd_text(a[1], a[2], " ".join(a[3:])))
                elif a[0] == "eval":
                    out("ok " + json.dumps(js(line.split(None, 1)[1])))
                elif a[0] == "size":
                    driver.set_window_size(int(a[1]), int(a[2]))
                    time.sleep(0.3)
                    out("ok")
                elif a[0] == "screenshot":
                    out(cmd_screenshot(a[1]))
                elif a[0] == "console":
                    out(cmd_console())
                else:
                    out("fail unknown command " + a[0])
            except Exception as e:
                out("fail %s: %s" % (a[0], str(e).splitlines()[0]
                                     if str(e) else type(e).__name__))
    finally:
        stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
