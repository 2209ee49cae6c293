"""The table of WLanguage's functions and constants: each row gives the English name first, then
the French one (both call the same function), as PC SOFT's runtime tables pair them. Names match
without regard to case or accents (`commands.registry.namespace("wlanguage")`)."""


def register(ns) -> None:
    F, K = ns.command, ns.constant
    # ------------------------------------------------------------ booleans
    K(("True", "Vrai"), True)
    K(("False", "Faux"), False)

    # ------------------------------------------------------------ e-mail
    _email(ns)


def _email(ns) -> None:
    """The e-mail API (REFERENCE.md §2.1, §2.2, §3): commands/wl_email.py on the mail sessions
    the 4D transporters use (mail/wl_email.py), non-fatal errors in commands/wl_errors.py."""
    F, K = ns.command, ns.constant
    # ------------------------------------------------------------ non-fatal errors
    F(("ErrorOccurred", "ErreurDétectée"), "ErrorOccurred", "wl_errors:error_occurred", 0, 0)
    F(("ErrorInfo", "ErreurInfo"), "ErrorInfo([<Information>])", "wl_errors:error_info", 0, 1)
    # moved to language on merge
    K("errMessage", 1)
    K("errCode", 2)
