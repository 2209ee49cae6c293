"""WLanguage's Email, emailAttach and their MIME source (EmailBuildSource, EmailImportSource and
the prefixed `.BuildSource()`), property names in English and French, and the functions that
need no server."""
from __future__ import annotations

import email
import io
from email import policy

import pytest

from fourmail.commands.registry import namespace
from fourmail.program import new_runtime
from fourmail.runtime.conversions import to_text
from fourmail.runtime.errors import FourDError
from fourmail.runtime.values import Array

NS = namespace("wlanguage")


@pytest.fixture
def rt(tmp_path):
    return new_runtime(project_dir=tmp_path, out=io.StringIO(), interactive=False)


def call(rt, name, *args):
    return NS.lookup_command(name).resolve()(rt, *args)


def new(rt, type_name):
    return NS.lookup_type(type_name).resolve()(rt)


def K(name):
    return NS.lookup_constant(name).value


def parsed(m):
    source = m.get_property("Source")
    assert "\r\n" in source and "\n" not in source.replace("\r\n", "")     # MIME's line ends: CRLF
    return email.message_from_string(source.replace("\r\n", "\n"), policy=policy.default)


def a_mail(rt):
    m = new(rt, "Email")
    m.set_property(rt, "Expediteur", "Zoë Martin")
    m.set_property(rt, "AdresseExpéditeur", "zoe@example.com")
    m.set_property(rt, "Destinataire", Array("TEXT", ["", "bob@example.com", "Ann <ann@example.com>"]))
    m.set_property(rt, "Cci", "hidden@example.com")
    m.set_property(rt, "Sujet", "Café à 10 h")
    m.set_property(rt, "Message", "Bonjour,\nà demain.")
    m.set_property(rt, "HTML", "<p>Bonjour</p>")
    return m


def test_build_source_writes_the_message(rt):
    m = a_mail(rt)
    assert call(rt, "EmailConstruitSource", m) is True
    msg = parsed(m)
    assert msg["From"].addresses[0].display_name == "Zoë Martin"
    assert msg["From"].addresses[0].addr_spec == "zoe@example.com"
    assert [a.addr_spec for a in msg["To"].addresses] == ["bob@example.com", "ann@example.com"]
    assert msg["Subject"] == "Café à 10 h"
    assert "=?" in m.get_property("Source").split("\r\n\r\n")[0]          # non-ASCII header text is encoded
    assert msg["Bcc"] is None                                        # blind copies are not written
    assert msg.get_body(("plain",)).get_content().rstrip() == "Bonjour,\nà demain."
    assert msg.get_body(("html",)).get_content().strip() == "<p>Bonjour</p>"
    assert m.get_property("MessageID") == msg["Message-ID"].strip("<>")


def test_header_bcc_option_writes_bcc(rt):
    m = a_mail(rt)
    assert m.call_function(rt, "BuildSource", [K("emailOptionHeaderBcc")]) is True
    assert [a.addr_spec for a in parsed(m)["Bcc"].addresses] == ["hidden@example.com"]
    assert m.call_function(rt, "ConstruitSource", [K("emailOptionEncodeEntête")]) is True
    assert parsed(m)["Bcc"] is None


def test_import_source_reads_it_back_with_attachments(rt):
    m = a_mail(rt)
    att = new(rt, "emailAttache")
    att.set_property(rt, "Nom", "notes.txt")
    att.set_property(rt, "Contenu", b"\x00\x01binary")
    att.set_property(rt, "TypeContenu", "application/octet-stream")
    m.set_property(rt, "Attache", Array("OBJECT", [None, att]))
    m.set_property(rt, "Priorité", K("emailPrioritéHaute"))
    assert m.get_property("NbAttache") == 1
    assert call(rt, "EmailBuildSource", m) is True
    back = new(rt, "Email")
    back.set_property(rt, "Source", m.get_property("Source"))
    assert back.call_function(rt, "ImporteSource", []) is True
    assert back.get_property("Sujet") == "Café à 10 h"
    assert back.get_property("Sender") == "Zoë Martin <zoe@example.com>"
    assert back.get_property("SenderAddress") == "zoe@example.com"
    assert back.get_property("Recipient").items[1:] == ["bob@example.com", "Ann <ann@example.com>"]
    assert back.get_property("NbRecipient") == 2
    assert back.get_property("Message").rstrip() == "Bonjour,\nà demain."
    assert back.get_property("Priority") == K("emailPriorityHigh")
    got = back.get_property("Attach").items[1]
    assert got.get_property("Name") == "notes.txt" and got.get_property("Content") == b"\x00\x01binary"
    assert "Subject:" in back.get_property("Header")


def test_the_email_structure_is_the_default(rt):
    st = call(rt, "Email")
    st.set_property(rt, "Sender", "a@example.com")
    st.set_property(rt, "Recipient", "b@example.com")
    st.set_property(rt, "Subject", "structure")
    assert call(rt, "EmailBuildSource") is True
    assert parsed(st)["Subject"] == "structure"


def test_building_without_recipient_or_sender_fails_without_exception(rt):
    m = new(rt, "Email")
    assert call(rt, "EmailBuildSource", m) is False
    assert "no recipient" in call(rt, "ErrorInfo")
    m.set_property(rt, "Recipient", "b@example.com")
    assert call(rt, "EmailBuildSource", m) is False
    assert "no sender" in call(rt, "ErrorInfo")
    m.set_property(rt, "Sender", "not an address")
    assert call(rt, "EmailBuildSource", m) is False
    assert call(rt, "ErrorOccurred") is True
    empty = new(rt, "Email")
    assert call(rt, "EmailImportSource", empty) is False


def test_property_names_fold_case_and_accents(rt):
    m = new(rt, "Email")
    m.set_property(rt, "adresseexpediteur", "x@example.com")
    assert m.get_property("ADRESSEEXPÉDITEUR") == "x@example.com"
    assert m.get_property("SenderAddress") == "x@example.com"
    params = new(rt, "OAuth2Parametres")
    params.set_property(rt, "ParametresSupplementaires", "force_reapprove=false")
    assert params.get_property("AdditionalParameters") == "force_reapprove=false"
    assert params.get_property("ResponseType") == K("oauth2TypeRéponseCode")


def test_the_printed_email_lists_its_properties(rt):
    text = to_text(a_mail(rt))
    assert '"Subject":"Café à 10 h"' in text and '"Recipient":["bob@example.com"' in text


def test_read_only_and_wrong_values_are_programming_errors(rt):
    m = new(rt, "Email")
    with pytest.raises(FourDError):
        m.set_property(rt, "Recipient", 3.5 + 1j)
    with pytest.raises(FourDError):
        new(rt, "AuthToken").set_property(rt, "Valid", True)
    with pytest.raises(FourDError):
        new(rt, "emailSMTPSession").set_property(rt, "Option", 7)
    with pytest.raises(FourDError):
        m.call_function(rt, "StartSession", [])                 # not a function of an Email
    with pytest.raises(FourDError):
        call(rt, "EmailBuildSource", m, 1024)                    # not an option of it


def test_an_expired_token_is_not_valid(rt):
    import datetime as dt
    token = new(rt, "AuthToken")
    assert token.get_property("Valid") is False                 # no value
    token.value = "x"
    token.expires_at = dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1)
    assert token.get_property("Valid") is False
    token.expires_at = dt.datetime(2030, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc)
    assert token.get_property("Valide") is True
    assert len(token.get_property("DateExpiration")) == 16 and token.get_property("ExpirationDate")[:4] == "2030"


def test_timeout_and_status(rt):
    assert call(rt, "EmailGetTimeOut") == 30
    call(rt, "EmailChangeTimeOut", 7)
    assert call(rt, "EmailLitTimeOut") == 7
    with pytest.raises(FourDError):
        call(rt, "EmailSetTimeOut", 0)
    assert call(rt, "EmailStatus", "no-such-id") == K("emailError")
    assert call(rt, "ErrorOccurred") is True


def test_load_attachment_and_reset(rt, tmp_path):
    (tmp_path / "photo.png").write_bytes(b"\x89PNG fake")
    m = new(rt, "Email")
    assert m.call_function(rt, "ChargeFichierAttaché", ["photo.png"]) is True
    att = m.get_property("Attache").items[1]
    assert (att.get_property("Nom"), att.get_property("TypeContenu"), att.get_property("Contenu")) == \
        ("photo.png", "image/png", b"\x89PNG fake")
    assert call(rt, "EmailLoadAttachment", m, "nothing-here.pdf") is False
    assert "nothing-here.pdf" in call(rt, "ErrorInfo")
    m.set_property(rt, "Subject", "x")
    m.call_function(rt, "RAZ", [])
    assert m.get_property("Subject") == "" and m.get_property("NbAttach") == 0


def test_an_empty_server_address_is_a_failure_not_an_exception(rt):
    # the docs' captures blank server names out: EmailStartSession(USER, PASSWORD, "", "", 110, 25, True)
    assert call(rt, "EmailStartSession", "user", "pw", "", "", 110, 25, True) is False
    assert "server address is empty" in call(rt, "ErrorInfo")
    assert call(rt, "EmailOuvreSession", new(rt, "emailSessionIMAP")) is False
