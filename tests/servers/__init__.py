"""Test infrastructure: real mail servers (realmail/start.sh), a faulty SMTP server, pytest fixtures."""
