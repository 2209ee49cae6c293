"""The sandbox's TLS material, made on first use and kept in STORE/tls/:

    ca.pem / ca.key          a private CA ("fourmail sandbox CA"), trusted by fourmail in
                             sandbox mode only (`fourmail run --sandbox`) and by the tests' clients
    server.pem / server.key  one certificate for every host the doc examples name (the mail
                             servers' and the OAuth 2.0 providers')
    hosts/NAME.pem           a certificate made on demand for any other name a client asks for
                             (TLS SNI), so a script naming its own server still verifies

ECDSA P-256 keys: fast to make, accepted by OpenSSL, curl, Thunderbird.
"""
from __future__ import annotations

import datetime as dt
import ipaddress
import os
import re
import ssl
import threading
from pathlib import Path

# Every host the doc corpus names (case-folded), plus the loopback names.
HOSTS = ("smtp.gmail.com", "imap.gmail.com", "pop.gmail.com", "pop3.gmail.com", "smtp.mail.com",
         "domain.com", "outlook.office365.com", "accounts.google.com", "oauth2.googleapis.com",
         "login.microsoftonline.com", "localhost", "127.0.0.1")
CA_DAYS = 3650
LEAF_DAYS = 397              # the longest validity clients (Apple, browsers) accept
RENEW_DAYS = 30
_HOSTNAME = re.compile(r"^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?)*$")
_lock = threading.Lock()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _write_private(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.replace(tmp, path)      # another process making the same file at once: last one wins, both valid


class Authority:
    """The sandbox CA: loads it from `tls_dir`, or makes it; issues server certificates."""

    def __init__(self, tls_dir: Path):
        from cryptography import x509
        from cryptography.hazmat.primitives import serialization
        self.dir = Path(tls_dir)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.ca_file = self.dir / "ca.pem"
        key_file = self.dir / "ca.key"
        with _lock:
            cert = None
            if self.ca_file.exists() and key_file.exists():
                cert = x509.load_pem_x509_certificate(self.ca_file.read_bytes())
                if cert.not_valid_after_utc - _now() < dt.timedelta(days=RENEW_DAYS):
                    cert = None
            if cert is None:
                self._make_ca(key_file)
            self.ca_cert = x509.load_pem_x509_certificate(self.ca_file.read_bytes())
            self.ca_key = serialization.load_pem_private_key(key_file.read_bytes(), None)

    def _make_ca(self, key_file: Path) -> None:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID
        key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "fourmail sandbox CA"),
                          x509.NameAttribute(NameOID.ORGANIZATION_NAME, "fourmail sandbox")])
        ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
        cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
                .public_key(key.public_key()).serial_number(x509.random_serial_number())
                .not_valid_before(_now() - dt.timedelta(hours=1))
                .not_valid_after(_now() + dt.timedelta(days=CA_DAYS))
                .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
                .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                             content_commitment=False, key_encipherment=False,
                                             data_encipherment=False, key_agreement=False,
                                             encipher_only=False, decipher_only=False), critical=True)
                .add_extension(ski, critical=False)
                .sign(key, hashes.SHA256()))
        _write_private(key_file, key.private_bytes(serialization.Encoding.PEM,
                                                   serialization.PrivateFormat.PKCS8,
                                                   serialization.NoEncryption()))
        _write_private(self.ca_file, cert.public_bytes(serialization.Encoding.PEM))
        for old in [self.dir / "server.pem", *self.dir.glob("hosts/*.pem")]:
            old.unlink(missing_ok=True)        # issued by the old CA: remake them

    def issue(self, names: tuple[str, ...], cert_file: Path) -> Path:
        """A server certificate (with its key, one PEM file) for `names`, made if missing,
        expiring or issued by another CA."""
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
        with _lock:
            if cert_file.exists():
                try:
                    old = x509.load_pem_x509_certificate(cert_file.read_bytes())
                    if (old.issuer == self.ca_cert.subject
                            and old.not_valid_after_utc - _now() > dt.timedelta(days=RENEW_DAYS)
                            and _names(old) >= set(names)):      # a store made before a name was added
                        return cert_file
                except ValueError:
                    pass
            key = ec.generate_private_key(ec.SECP256R1())
            sans = []
            for n in names:
                try:
                    sans.append(x509.IPAddress(ipaddress.ip_address(n)))
                except ValueError:
                    sans.append(x509.DNSName(n))
            ca_ski = self.ca_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
            cert = (x509.CertificateBuilder()
                    .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])]))
                    .issuer_name(self.ca_cert.subject).public_key(key.public_key())
                    .serial_number(x509.random_serial_number())
                    .not_valid_before(_now() - dt.timedelta(hours=1))
                    .not_valid_after(_now() + dt.timedelta(days=LEAF_DAYS))
                    .add_extension(x509.SubjectAlternativeName(sans), critical=False)
                    .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                    .add_extension(x509.KeyUsage(digital_signature=True, key_encipherment=False,
                                                 content_commitment=False, data_encipherment=False,
                                                 key_agreement=False, key_cert_sign=False, crl_sign=False,
                                                 encipher_only=False, decipher_only=False), critical=True)
                    .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
                    .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
                    .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski),
                                   critical=False)
                    .sign(self.ca_key, hashes.SHA256()))
            cert_file.parent.mkdir(parents=True, exist_ok=True)
            _write_private(cert_file, key.private_bytes(serialization.Encoding.PEM,
                                                        serialization.PrivateFormat.PKCS8,
                                                        serialization.NoEncryption())
                           + cert.public_bytes(serialization.Encoding.PEM))
            return cert_file


def _names(cert) -> set[str]:
    from cryptography import x509
    try:
        sans = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return set()
    return ({str(n) for n in sans.get_values_for_type(x509.DNSName)}
            | {str(a) for a in sans.get_values_for_type(x509.IPAddress)})


def server_context(tls_dir: Path) -> ssl.SSLContext:
    """The servers' TLS context: the corpus hosts' certificate by default, and a certificate made
    on demand for any other name a client sends in SNI."""
    ca = Authority(tls_dir)
    default = ca.issue(HOSTS, ca.dir / "server.pem")
    ctx = _context(default)
    per_name: dict[str, ssl.SSLContext] = {}

    def sni(sslobj, name, _ctx):
        if not name:
            return None
        name = name.rstrip(".").casefold()
        if name in HOSTS or not _HOSTNAME.match(name):
            return None
        if name not in per_name:
            per_name[name] = _context(ca.issue((name,), ca.dir / "hosts" / f"{name}.pem"))
        sslobj.context = per_name[name]
        return None

    ctx.sni_callback = sni
    return ctx


def _context(cert_file: Path) -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(cert_file)
    return ctx
