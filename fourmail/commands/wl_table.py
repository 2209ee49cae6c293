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
