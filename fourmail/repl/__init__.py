"""The interactive 4D session (`fourmail` / `fourmail repl`): session.py, completion.py, display.py, help.py."""
