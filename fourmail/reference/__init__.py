"""4D reference pages shipped with fourmail for the REPL's `:help` (see SOURCES.md)."""
