"""The table of WLanguage's functions and constants: each row gives the English name first, then
the French one (both call the same function), as PC SOFT's runtime tables pair them. Names match
without regard to case or accents (`commands.registry.namespace("wlanguage")`)."""


def register(ns) -> None:
    F, K = ns.command, ns.constant
    # ------------------------------------------------------------ booleans
    K(("True", "Vrai"), True)
    K(("False", "Faux"), False)
