"""fourmail/mail/network.py ssl_context(): one verifying context per set of CA files, shared
(loading the system store costs as much as an IMAP fetch of a thousand messages), and a new one
when a CA file changes on disk."""
from __future__ import annotations

import os
import ssl
from types import SimpleNamespace

from fourmail.mail.network import ssl_context
from fourmail.sandbox.certs import Authority


def test_contexts_are_shared_per_ca_files_and_renewed_when_one_changes(tmp_path):
    one, two = Authority(tmp_path / "one").ca_file, Authority(tmp_path / "two").ca_file
    a = ssl_context(SimpleNamespace(cafiles=[one]))
    assert ssl_context(SimpleNamespace(cafiles=[str(one)])) is a
    assert ssl_context(SimpleNamespace(cafiles=[two])) is not a
    assert a.verify_mode == ssl.CERT_REQUIRED and a.check_hostname
    assert any(("commonName", "fourmail sandbox CA") in rdn for c in a.get_ca_certs() for rdn in c["subject"])

    os.replace(two, one)                                      # another CA at the same path, later
    st = os.stat(one)
    os.utime(one, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    b = ssl_context(SimpleNamespace(cafiles=[one]))
    assert b is not a
    assert ssl_context(SimpleNamespace(cafiles=[])) is ssl_context(SimpleNamespace())
