"""The class stores `4D` and `cs` (classes.md): `4D.SMTPTransporter.new($options)`."""
from __future__ import annotations

import importlib

from .errors import E, FourDError
from .values import UNDEFINED, ClassInstance, check_arity

# 4D class name -> "module:callable" creating an instance from `new()`'s arguments (or None while
# the class is not available yet; the 4D error says so).
BUILTIN_CLASSES = {
    "File": "fourmail.commands.files:new_file",
    "Folder": "fourmail.commands.files:new_folder",
    "SMTPTransporter": "fourmail.commands.transporters:smtp_new_transporter",
    "IMAPTransporter": "fourmail.commands.transporters:imap_new_transporter",
    "POP3Transporter": "fourmail.commands.transporters:pop3_new_transporter",
    "MailAttachment": "fourmail.mail.attachment:new_mail_attachment",
    "IMAPNotifier": "fourmail.commands.transporters:imap_new_notifier",
}


class Class4D(ClassInstance):
    """A class object, e.g. `4D.SMTPTransporter`: its `new()` makes instances."""

    CLASS_NAME = "Class"

    def __init__(self, store: str, name: str, factory: str | None):
        self.store, self.name, self.factory = store, name, factory

    def _properties(self) -> dict:
        return {"name": self.name}

    def fn_new(self, rt, *args):
        if self.factory is None:
            raise FourDError(E.NOT_IMPLEMENTED, name=f"{self.store}.{self.name}.new()",
                             detail="this class is not implemented yet")
        module, _, attr = self.factory.partition(":")
        factory = getattr(importlib.import_module(module), attr)
        check_arity(f"{self.store}.{self.name}.new()", factory, len(args))
        return factory(rt, *args)

    def __repr__(self):
        return f"<class {self.store}.{self.name}>"


class ClassStore4D(ClassInstance):
    CLASS_NAME = "ClassStore"

    def get_property(self, name: str):
        for cname, factory in BUILTIN_CLASSES.items():
            if cname.lower() == name.lower():   # class names resolve case-insensitively in 4D
                return Class4D("4D", cname, factory)
        return UNDEFINED

    def _properties(self) -> dict:
        return {n: Class4D("4D", n, f) for n, f in BUILTIN_CLASSES.items()}


from .userclasses import ClassStoreCS  # noqa: E402,F401  (the `cs` store: user classes)
