"""NetKit's parameters and tokens at the ends of their ranges: an `expires_in` of 1e20 seconds,
a tokenExpiration in year 1, a timeout of 1e300, a NUL in a page's path — each is a value the
provider reads within bounds, never fourmail's internal error."""
from __future__ import annotations

from fourmail.commands import netkit
from netkit_util import run_on_sandbox
from sandbox_util import sandbox  # noqa: F401  (a fixture)

PROVIDER = ('$p:=cs.NetKit.OAuth2Provider.new(New object("name"; "Google"; "permission"; "signedIn"; '
            '"clientId"; "c"; "scope"; "s"; "redirectURI"; "http://127.0.0.1:50997/"{more}))\n')


def test_a_token_that_expires_in_1e20_seconds_is_held_for_the_longest_time(sandbox, tmp_path):
    run = run_on_sandbox(PROVIDER.format(more='; "token"; New object("access_token"; "A"; "expires_in"; 1e20)')
                         + "$t:=$p.getToken()\nALERT($t.tokenExpiration)\nALERT(String($p.isTokenValid()))",
                         sandbox, tmp_path)
    assert (run.kind, run.err) == ("ok", ""), run.err
    year = int(run.out.splitlines()[0][:4])
    assert 2030 < year < 2100 and run.out.splitlines()[1] == "True"


def test_an_expiration_at_the_start_of_the_calendar_is_an_expired_token(sandbox, tmp_path):
    run = run_on_sandbox(PROVIDER.format(more='; "token"; New object("access_token"; "A"); '
                                              '"tokenExpiration"; "0001-01-01T00:00:00"')
                         + "ALERT(String($p.isTokenValid()))", sandbox, tmp_path)
    assert (run.kind, run.err, run.out) == ("ok", "", "False\n")


def test_a_page_path_holding_a_nul_is_no_page(sandbox, tmp_path):
    run = run_on_sandbox(PROVIDER.format(more='; "authenticationPage"; "a"+Char(0)+"b"')
                         + 'ALERT("made")', sandbox, tmp_path)
    assert (run.kind, run.err, run.out) == ("ok", "", "made\n")
    assert netkit.browser_page(None, "/tmp/a\0b") is None


def test_seconds_are_bounded():
    assert netkit._seconds(1e300, netkit.LONGEST_WAIT) == netkit.LONGEST_WAIT
    assert netkit._seconds(float("nan"), netkit.LONGEST_WAIT) == 0.0
    assert netkit._seconds(-5, netkit.LONGEST_WAIT) == 0.0
    assert netkit._seconds("30", netkit.LONGEST_WAIT) == 30.0
