"""A WLanguage namespace for the front end's tests: the language's own table
(commands/wl_table.py) plus, where it does not have them yet, the names REFERENCE.md gives the
functions, constants and types the tests and the doc examples call (English, French). The front
end only reads names: these rows have no implementation."""
from __future__ import annotations

from fourmail.commands.registry import Namespace, _NAMESPACE_TABLES

FUNCTIONS = [
    ("Info",), ("Error", "Erreur"), ("Warning", "Avertissement"), ("Trace",), ("ErrorInfo", "ErreurInfo"),
    ("ErrorOccurred", "ErreurDétectée"), ("ExceptionInfo",), ("ExceptionThrow", "ExceptionDéclenche"),
    ("Add", "Ajoute"), ("AuthIdentify", "AuthIdentifie"), ("AuthVerifyAuthentication",),
    ("EmailStartSession", "EmailOuvreSession", "EmailOpenSession"), ("EmailStartSMTPSession", "EmailOuvreSessionSMTP"),
    ("EmailStartPOP3Session", "EmailOuvreSessionPOP3"), ("EmailStartIMAPSession", "EmailOuvreSessionIMAP"),
    ("EmailCloseSession", "EmailFermeSession"), ("EmailSendMessage", "EmailEnvoieMessage"), ("EmailSend", "EmailEnvoie"),
    ("EmailStatus", "EmailEtat"), ("EmailBuildSource", "EmailConstruitSource"), ("EmailSetTimeOut", "EmailChangeTimeOut"),
    ("EmailGetAll", "EmailRécupèreTout"), ("EmailReadFirst", "EmailLitPremier"), ("EmailReadNext", "EmailLitSuivant"),
    ("Email",),
    # outside the e-mail API, named by MANIFEST.md's "functions / types used" column
    ("fSaveText", "fSauveTexte"), ("LooperAddLine", "ZoneRépétéeAjouteLigne"), ("HTTPSend", "HTTPEnvoie"),
    ("VariantToJSON", "VariantVersJSON"), ("JSONToVariant", "JSONVersVariant"), ("RTFToText", "RTFVersTexte"),
    ("RTFToHTML", "RTFVersHTML"), ("ToastDisplay", "ToastAffiche"), ("OpenIDReadIdentity", "OpenIDLitIdentité"),
]
CONSTANTS = [
    (("emailOptionSecuredTLS", "emailOptionSécuriséTLS"), 2), (("emailOptionDefault", "emailOptionDéfaut"), 0),
    (("optionSSL",), 1), (("oauth2ResponseTypeCode", "oauth2TypeRéponseCode"), 1),
    (("emailOptionEncodeHeader", "emailOptionEncodeEntête"), 1), (("ertNotRead", "ertNonLus"), 4),
    (("emailSent", "emailEnvoyé"), 1), (("emailPending", "emailEnAttente"), 2), (("emailError", "emailErreur"), 3),
    (("errMessage",), 1), (("errCode",), 2), (("httpPost",), "POST"),
]
TYPES = [
    ("Email",), ("emailSMTPSession", "emailSessionSMTP"), ("emailPOP3Session", "emailSessionPOP3"),
    ("emailIMAPSession", "emailSessionIMAP"), ("emailAttach", "emailAttache"), ("OAuth2Parameters", "OAuth2Paramètres"),
    ("AuthToken",), ("array",),
    ("emailNotesSession", "emailSessionNotes"), ("httpRequest", "httpRequête"), ("httpResponse", "httpRéponse"),
    ("OpenIDParameters", "OpenIDParamètres"), ("OpenIDIdentity", "OpenIDIdentité"),
]


def namespace() -> Namespace:
    table, fold = _NAMESPACE_TABLES["wlanguage"]
    ns = Namespace("wlanguage", table, fold)
    for names in FUNCTIONS:
        if ns.lookup_command(names[0]) is None:
            ns.command(names, "", None)
    for names, value in CONSTANTS:
        if ns.lookup_constant(names[0]) is None:
            ns.constant(names, value)
    for names in TYPES:
        if ns.lookup_type(names[0]) is None:
            ns.type(names, "")
    return ns
