"""The web inbox in a real headless browser: Debian's chromium driven by its chromium-driver
(tests/servers/browser/install.sh) through selenium.

A mail a 4D script sends (run through fourmail.program on the sandbox's routes) appears in the
open page without a reload within a second; its HTML renders and the <script> inside it does
not run; its inline image shows; its attachment downloads byte for byte; deleting it in the
page makes it disappear for IMAP and POP3. Screenshots of the list and of the message go to
$FOURMAIL_ARTIFACTS (default: test-artifacts/ in the repository)."""
from __future__ import annotations

import io
import os
import shutil
import time
from pathlib import Path

import pytest

from sandbox_util import fresh, imaps, message, pop3s, sandbox  # noqa: F401
from web_util import http, png, send

REPO = Path(__file__).resolve().parent.parent
ATTACHMENT = bytes(range(256)) * 64 + b"\r\n.\r\nend\x00"          # line ends, a lone dot, a NUL: all kept
SCRIPT = """$server:=New object("host";"smtp.gmail.com";"port";465;"user";"4d@gmail.com";"password";"XXXXXXXX")
$transporter:=SMTP New transporter($server)
$mail:=New object
$mail.from:="4d@gmail.com"
$mail.to:="WHO"
$mail.subject:="SUBJECT"
$mail.textBody:="Hello from 4D, in plain text."
$mail.htmlBody:="<p id='greeting'>Hello from 4D</p>"+\\
    "<script>document.getElementById('greeting').textContent='the script ran'</script>"+\\
    "<img id='logo' alt='logo' src='cid:logo@fourmail'>"
$logo:=MAIL New attachment(File("/PACKAGE/logo.png");"logo.png";"logo@fourmail")
$report:=MAIL New attachment(File("/PACKAGE/report.bin");"report.bin")
$mail.attachments:=New collection($logo;$report)
$status:=$transporter.send($mail)
ALERT(String($status.success))
"""


def artifacts() -> Path:
    folder = Path(os.environ.get("FOURMAIL_ARTIFACTS") or REPO / "test-artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def browser(tmp_path):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_path = shutil.which("chromedriver")
    if chromium is None or driver_path is None:
        # scripts/test installs both (tests/servers/browser/install.sh) and then requires them
        assert not os.environ.get("FOURMAIL_REQUIRE_BROWSER"), "chromium or chromium-driver is not installed"
        pytest.skip("Debian's chromium and chromium-driver are not installed (tests/servers/browser/install.sh)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,1000",
                f"--user-data-dir={tmp_path / 'profile'}"):
        options.add_argument(arg)
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False,
                                              "safebrowsing.enabled": False})
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.downloads = downloads
    try:
        yield driver
    finally:
        driver.quit()


def run_4d(sb, project: Path, source: str) -> str:
    from fourmail.program import new_runtime, run_source
    from fourmail.sandbox.routing import apply
    out = io.StringIO()
    rt = new_runtime(project_dir=project, out=out, interactive=False)
    apply(rt, sb)
    outcome = run_source(rt, source, str(project / "send.4dm"), "send")
    rt.shutdown()
    assert outcome.kind == "ok", outcome.error
    return out.getvalue()


def wait_until(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout} s")
        time.sleep(0.02)


def test_a_4d_mail_live_in_the_page_its_html_image_attachment_and_delete(sandbox, browser, tmp_path):
    from selenium.webdriver.common.by import By
    who = fresh("browser")
    send(sandbox, message("The account's first mail", to=who))
    logo = png(24, 16)
    (tmp_path / "logo.png").write_bytes(logo)
    (tmp_path / "report.bin").write_bytes(ATTACHMENT)
    subject = f"Live from 4D {who[:14]}"

    browser.get(f"{sandbox.inbox_url}?account={who}&folder=INBOX")
    wait_until(lambda: "connected" in browser.find_element(By.TAG_NAME, "body").get_attribute("class"), 10,
               "the page's websocket")
    browser.execute_script("window.stillTheSamePage = true")

    assert run_4d(sandbox, tmp_path, SCRIPT.replace("WHO", who).replace("SUBJECT", subject)).strip() == "True"
    sent = time.monotonic()
    row = wait_until(lambda: next((r for r in browser.find_elements(By.CSS_SELECTOR, "#messages tbody tr")
                                   if subject in r.text), None), 1.0, "the new mail in the open page")
    assert time.monotonic() - sent < 1.0
    assert browser.execute_script("return window.stillTheSamePage") is True        # no reload
    assert "unread" in row.get_attribute("class") and "1 file" in row.text
    counts = browser.find_element(By.CSS_SELECTOR, "nav .folder.current + .count")
    inbox = next(f for a in http(sandbox, "GET", "/api/v1/accounts").json() if a["Account"] == who
                 for f in a["Folders"] if f["Name"] == "INBOX")
    assert inbox["Total"] == 10                   # the demo's 8, the first mail, the script's
    wait_until(lambda: counts.text == f"{inbox['Unread']}/10", 1.0, "the folder's counts updated")
    time.sleep(0.3)                          # the row's highlight, for the screenshot
    browser.save_screenshot(str(artifacts() / "web-inbox-list.png"))

    row.find_element(By.CSS_SELECTOR, "td.subject a").click()
    frame = wait_until(lambda: browser.find_elements(By.ID, "html-body"), 5, "the message page")[0]
    assert frame.get_attribute("sandbox") == ""                                   # no allow-scripts
    browser.switch_to.frame(frame)
    greeting = wait_until(lambda: browser.find_elements(By.ID, "greeting"), 5, "the HTML part")[0]
    assert greeting.text == "Hello from 4D"                                       # rendered; the script did not run
    image = browser.find_element(By.ID, "logo")
    wait_until(lambda: image.get_property("complete"), 5, "the inline image")
    assert image.get_property("naturalWidth") == 24 and image.get_property("naturalHeight") == 16
    browser.switch_to.default_content()
    assert "Hello from 4D, in plain text." in browser.find_element(By.ID, "text-body").text
    browser.save_screenshot(str(artifacts() / "web-inbox-message.png"))

    link = next(a for a in browser.find_elements(By.CSS_SELECTOR, "section.attachments a") if a.text == "report.bin")
    link.click()
    saved = browser.downloads / "report.bin"
    wait_until(lambda: saved.exists() and not list(browser.downloads.glob("*.crdownload")), 10, "the download")
    assert saved.read_bytes() == ATTACHMENT

    uid = int(browser.find_element(By.CSS_SELECTOR, "dl.envelope").text.split("UID ")[1].split()[0])
    browser.find_element(By.CSS_SELECTOR, "form.danger button").click()
    wait_until(lambda: "/message/" not in browser.current_url, 5, "back to the list after Delete")
    assert subject not in browser.find_element(By.ID, "messages").text
    imap = imaps(sandbox, who)
    imap.select("INBOX")
    assert imap.uid("FETCH", str(uid), "(FLAGS)")[1] == [None]
    assert imap.uid("SEARCH", None, "SUBJECT", '"Live from 4D"')[1] == [b""]
    imap.logout()
    pop = pop3s(sandbox, who)
    assert str(uid).encode() not in b" ".join(pop.uidl()[1])
    assert not any(subject.encode() in b"\n".join(pop.top(n, 0)[1]) for n in range(1, pop.stat()[0] + 1))
    pop.quit()
