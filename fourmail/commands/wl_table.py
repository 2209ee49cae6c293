"""The table of WLanguage's functions and constants: each row gives the English name first, then
the French one (both call the same function), as PC SOFT's runtime tables pair them. Names match
without regard to case or accents (`commands.registry.namespace("wlanguage")`)."""


def register(ns) -> None:
    F, K, T = ns.command, ns.constant, ns.type
    # ------------------------------------------------------------ booleans
    K(("True", "Vrai"), True)
    K(("False", "Faux"), False)

    # ---- language (wl_language.py; operators and conversions: runtime/wl_rules.py)
    from .wl_language import CR, ERR_CODE, ERR_FULL_DETAILS, ERR_MESSAGE, ERR_SUMMARY, FROM_BEGINNING, \
        FROM_END, IGNORE_CASE
    L = "wl_language:"
    # messages: each argument on a line of the output, and the program goes on
    F(("Info",), "Info(<Text> [, <Line 2> ...])", L + "info", 0, None, False)
    F(("Error", "Erreur"), "Error(<Text> [, <Line 2> ...])", L + "error", 0, None, False)
    F(("Warning", "Avertissement"), "Warning(<Text> [, <Line 2> ...])", L + "warning", 0, None, False)
    F(("Trace",), "Trace(<Information> [, <Information> ...])", L + "trace", 0, None, False)
    # strings
    F(("Length", "Taille"), "Length(<String>)", L + "length", 1, 1)
    F(("Upper", "Majuscule"), "Upper(<String>)", L + "upper", 1, 1)
    F(("Lower", "Minuscule"), "Lower(<String>)", L + "lower", 1, 1)
    F(("NoSpace", "SansEspace"), "NoSpace(<String>)", L + "no_space", 1, 1)
    F(("Left", "Gauche"), "Left(<String>, <Length>)", L + "left", 2, 2)
    F(("Right", "Droite"), "Right(<String>, <Length>)", L + "right", 2, 2)
    F(("Middle", "Milieu"), "Middle(<String>, <Start> [, <Length>])", L + "middle", 2, 3)
    F(("Position",), "Position(<String>, <Sought> [, <Start> [, <Options>]])", L + "position", 2, 4)
    F(("Replace", "Remplace"), "Replace(<String>, <Old>, <New> [, <Options>])", L + "replace", 3, 4)
    F(("NumToString", "NumériqueVersChaîne"), "NumToString(<Number> [, <Format>])", L + "num_to_string", 1, 2)
    F(("Val",), "Val(<String>)", L + "val_", 1, 1)
    F(("ErrorBuild", "ErreurConstruit"), "ErrorBuild(<Format> [, <Parameter 1> ...])", L + "error_build", 1, None)
    K(("CR", "RC"), CR)
    K(("FromBeginning", "DepuisDébut"), FROM_BEGINNING)
    K(("FromEnd", "DepuisFin"), FROM_END)
    K(("IgnoreCase", "SansCasse"), IGNORE_CASE)
    # arrays (also their prefixed forms: arr.Add(v), arr.Count)
    T(("array", "tableau"), L + "new_array")
    F(("Add", "Ajoute"), "Add(<Array>, <Value>)", L + "add", 2, 2)
    F(("ArrayAdd", "TableauAjoute"), "ArrayAdd(<Array>, <Value>)", L + "add", 2, 2)
    F(("ArrayCount", "TableauOccurrence"), "ArrayCount(<Array>)", L + "array_count_", 1, 1)
    F(("ArrayDeleteAll", "TableauSupprimeTout"), "ArrayDeleteAll(<Array>)", L + "array_delete_all_", 1, 1)
    # exceptions (WHEN EXCEPTION IN ... DO); the constants are ErrorInfo's too
    F(("ExceptionThrow", "ExceptionDéclenche"), "ExceptionThrow(<Error number> [, <Message>])",
      L + "exception_throw", 1, 2, False)
    F(("ExceptionInfo",), "ExceptionInfo([<Type of information>])", L + "exception_info", 0, 1)
    K(("errMessage",), ERR_MESSAGE)
    K(("errCode",), ERR_CODE)
    K(("errFullDetails", "errComplet"), ERR_FULL_DETAILS)
    K(("errSummary", "errRésumé"), ERR_SUMMARY)

    # ------------------------------------------------------------ e-mail
    _email(ns)
    # ------------------------------------------------------------ named by the doc examples, not provided
    _not_provided(ns)


# why fourmail cannot run a function of each family (a predicate, as 4D's catalog words it)
_WINDOW = "needs a window, which fourmail does not have"
_NOT_YET = "is not provided by fourmail yet"


def _not_provided(ns) -> None:
    """Functions and types the doc examples call that fourmail knows by name only: code using
    them reads (no unknown identifier), and running them is an error naming them and why."""
    F, T = ns.command, ns.type
    for names in (("fSaveText", "fSauveTexte"), ("fLoadText", "fChargeTexte"), ("HTTPSend", "HTTPEnvoie"),
                  ("VariantToJSON", "VariantVersJSON"), ("JSONToVariant", "JSONVersVariant"),
                  ("RTFToText", "RTFVersTexte"), ("RTFToHTML", "RTFVersHTML"),
                  ("OpenIDReadIdentity", "OpenIDLitIdentité")):
        F(names, "", None, unavailable=_NOT_YET)
    for names in (("LooperAddLine", "ZoneRépétéeAjouteLigne"), ("ToastDisplay", "ToastAffiche")):
        F(names, "", None, returns=False, unavailable=_WINDOW)
    for names in (("httpRequest", "httpRequête"), ("httpResponse", "httpRéponse"),
                  ("OpenIDParameters", "OpenIDParamètres"), ("OpenIDIdentity", "OpenIDIdentité"),
                  ("emailNotesSession", "emailSessionNotes"), ("emailOutlookSession", "emailSessionOutlook")):
        T(names, None, summary=_NOT_YET)
    ns.constant(("httpPost",), "POST")


def _email(ns) -> None:
    """The e-mail API (REFERENCE.md §2.1, §2.2, §3): commands/wl_email.py on the mail sessions
    the 4D transporters use (mail/wl_email.py), its types in commands/wl_values.py, non-fatal
    errors in commands/wl_errors.py. Constants' values: commands/wl_values.py, wl_email.py."""
    from .wl_email import (EMAIL_ERROR, EMAIL_PENDING, EMAIL_SENT, ERT_ASYNCHRONOUS, ERT_FULL, ERT_HEADER,
                           ERT_NOT_READ, OPTION_ENCODE_HEADER, OPTION_HEADER_BCC)
    from .wl_values import OAUTH2_RESPONSE_TYPE_CODE, OPTION_DEFAULT, OPTION_SECURED_TLS, OPTION_SSL
    from ..mail.wl_email import PRIORITY_HIGH, PRIORITY_LOW, PRIORITY_NORMAL
    F, K, T = ns.command, ns.constant, ns.type
    # ------------------------------------------------------------ non-fatal errors
    F(("ErrorOccurred", "ErreurDétectée"), "ErrorOccurred", "wl_errors:error_occurred", 0, 0)
    F(("ErrorInfo", "ErreurInfo"), "ErrorInfo([<Information>])", "wl_errors:error_info", 0, 1)
    # (their kinds of information, errMessage, errCode..., are the language's: above)
    # ------------------------------------------------------------ types
    T(("emailSMTPSession", "emailSessionSMTP"), "wl_values:new_smtp_session")
    T(("emailPOP3Session", "emailSessionPOP3"), "wl_values:new_pop3_session")
    T(("emailIMAPSession", "emailSessionIMAP"), "wl_values:new_imap_session")
    T("Email", "wl_values:new_email")
    T(("emailAttach", "emailAttache"), "wl_values:new_attach")
    T(("OAuth2Parameters", "OAuth2Paramètres"), "wl_values:new_oauth2_parameters")
    T("AuthToken", "wl_values:new_auth_token")
    # ------------------------------------------------------------ OAuth 2.0 sign-in (wl_auth.py)
    F(("AuthIdentify", "AuthIdentifie"), "AuthIdentify(<OAuth2Parameters>)", "wl_auth:auth_identify", 1, 2)
    F(("AuthVerifyAuthentication", "AuthVérifieAuthentification"), "AuthVerifyAuthentication(<OAuth2Parameters>)",
      "wl_auth:auth_verify_authentication", 1, 1)
    # ------------------------------------------------------------ sessions
    F(("EmailStartSession", "EmailOuvreSession", "EmailOpenSession"),
      "EmailStartSession(<Session>) or (<User>, <Password>, <POP3 server> [, <SMTP server> [, <POP3 port> "
      "[, <SMTP port> [, <Asynchronous>]]]])", "wl_email:start_session", 1, 7)
    F(("EmailStartSMTPSession", "EmailOuvreSessionSMTP"),
      "EmailStartSMTPSession(<User> [, <Password>], <Server> [, <Port> [, <Asynchronous> [, <Option>]]])",
      "wl_email:start_smtp_session", 2, 6)
    F(("EmailStartPOP3Session", "EmailOuvreSessionPOP3"),
      "EmailStartPOP3Session(<User>, <Password>, <Server> [, <Port> [, <Option>]])",
      "wl_email:start_pop3_session", 3, 5)
    F(("EmailStartIMAPSession", "EmailOuvreSessionIMAP"),
      "EmailStartIMAPSession(<User>, <Password>, <Server> [, <Port> [, <Option>]])",
      "wl_email:start_imap_session", 3, 5)
    F(("EmailCloseSession", "EmailFermeSession"), "EmailCloseSession(<Session>)", "wl_email:close_session", 1, 1)
    F(("EmailSetTimeOut", "EmailChangeTimeOut"), "EmailSetTimeOut(<Seconds>)", "wl_email:set_timeout", 1, 1,
      returns=False)
    F(("EmailGetTimeOut", "EmailLitTimeOut"), "EmailGetTimeOut()", "wl_email:get_timeout", 0, 0)
    # ------------------------------------------------------------ sending
    F(("EmailSendMessage", "EmailEnvoieMessage"), "EmailSendMessage(<Session> [, <Email> [, <Options>]])",
      "wl_email:send_message", 1, 3)
    F(("EmailSend", "EmailEnvoie"), "EmailSend(<Session>, <File>)", "wl_email:send", 2, 2)
    F(("EmailStatus", "EmailEtat"), "EmailStatus(<Identifier>)", "wl_email:status", 1, 1)
    F(("EmailBuildSource", "EmailConstruitSource"), "EmailBuildSource([<Email> [, <Options>]])",
      "wl_email:build_source", 0, 2)
    F(("EmailImportSource", "EmailImporteSource"), "EmailImportSource([<Email>])", "wl_email:import_source", 0, 1)
    F(("EmailLoadAttachment", "EmailChargeFichierAttaché"), "EmailLoadAttachment(<Email>, <File>)",
      "wl_email:load_attachment", 2, 2)
    F(("EmailReset", "EmailRAZ"), "EmailReset([<Email>])", "wl_email:reset_email", 0, 1, returns=False)
    # ------------------------------------------------------------ reading
    F(("EmailReadFirst", "EmailLitPremier"), "EmailReadFirst(<Session> [, <Email>])", "wl_email:read_first", 1, 2)
    F(("EmailReadNext", "EmailLitSuivant"), "EmailReadNext(<Session> [, <Email>])", "wl_email:read_next", 1, 2)
    F(("EmailReadLast", "EmailLitDernier"), "EmailReadLast(<Session> [, <Email>])", "wl_email:read_last", 1, 2)
    F(("EmailReadPrevious", "EmailLitPrécédent"), "EmailReadPrevious(<Session> [, <Email>])",
      "wl_email:read_previous", 1, 2)
    F(("EmailReadMessage", "EmailLitMessage"), "EmailReadMessage(<Session> [, <Email>], <Number>)",
      "wl_email:read_message", 2, 3)
    F(("EmailDeleteMessage", "EmailSupprimeMessage"), "EmailDeleteMessage(<Session> [, <Number>])",
      "wl_email:delete_message", 1, 2)
    F("EmailNbMessage", "EmailNbMessage(<Session>)", "wl_email:nb_message", 1, 1)
    F(("EmailGetAll", "EmailRécupèreTout"), "EmailGetAll(<Session> [, <Options>])", "wl_email:get_all", 1, 2)
    # the process's Email structure (a function called without parentheses)
    F("Email", "Email", "wl_email:email_structure", 0, 0)
    # ------------------------------------------------------------ constants
    K(("emailOptionDefault", "emailOptionDéfaut"), OPTION_DEFAULT)
    K(("emailOptionSecuredTLS", "emailOptionSécuriséTLS", "emailProtocolSMTPS"), OPTION_SECURED_TLS)
    K("optionSSL", OPTION_SSL)
    K(("emailSynchronous", "emailSynchrone"), False)
    K(("emailAsynchronous", "emailAsynchrone"), True)
    K(("emailOptionEncodeHeader", "emailOptionEncodeEntête"), OPTION_ENCODE_HEADER)
    K("emailOptionHeaderBcc", OPTION_HEADER_BCC)
    K(("emailSent", "emailEnvoyé"), EMAIL_SENT)
    K(("emailPending", "emailEnAttente"), EMAIL_PENDING)
    K(("emailError", "emailErreur"), EMAIL_ERROR)
    K(("ertHeader", "ertEntête"), ERT_HEADER)
    K(("ertFull", "ertComplet"), ERT_FULL)
    K(("ertNotRead", "ertNonLus"), ERT_NOT_READ)
    K(("ertAsynchronous", "ertAsynchrone"), ERT_ASYNCHRONOUS)
    K(("emailPriorityHigh", "emailPrioritéHaute"), PRIORITY_HIGH)
    K(("emailPriorityNormal", "emailPrioritéNormale"), PRIORITY_NORMAL)
    K(("emailPriorityLow", "emailPrioritéBasse"), PRIORITY_LOW)
    K(("oauth2ResponseTypeCode", "oauth2TypeRéponseCode"), OAUTH2_RESPONSE_TYPE_CODE)
