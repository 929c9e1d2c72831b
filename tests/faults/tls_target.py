"""An https target on 127.0.0.1 whose certificate is wrong in one chosen way: self-signed, expired, or for another
host; or right, when its private CA is trusted."""

from __future__ import annotations

import datetime as dt
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from ipaddress import IPv4Address
from pathlib import Path
from typing import Any

import trustme
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.support import serving

PAGE = (
    b"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Secure</title></head>"
    b"<body><main><h1>Secure</h1><p>A page served over TLS.</p></main></body></html>"
)
HEADERS = {
    "Content-Type": "text/html; charset=utf-8",
    "Strict-Transport-Security": "max-age=31536000",
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


@dataclass(frozen=True)
class TlsTarget:
    """The target's URL and the PEM file of the CA that signed its certificate (a self-signed one signs itself)."""

    url: str
    ca_file: Path


def _self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 that signs itself: no CA vouches for it."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=90))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(IPv4Address("127.0.0.1"))]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "self-signed.pem", folder / "self-signed.key"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_file, key_file


def _issued(folder: Path, kind: str) -> tuple[Path, Path, Path]:
    """A certificate from a private CA: for 127.0.0.1 ("good"), expired yesterday, or for another host."""
    ca = trustme.CA()
    now = dt.datetime.now(dt.UTC)
    if kind == "expired":
        leaf = ca.issue_cert("127.0.0.1", not_before=now - dt.timedelta(days=90), not_after=now - dt.timedelta(days=1))
    elif kind == "wrong-host":
        leaf = ca.issue_cert("elsewhere.example")
    else:
        leaf = ca.issue_cert("127.0.0.1")
    ca_file, chain_file, key_file = folder / "ca.pem", folder / f"{kind}.pem", folder / f"{kind}.key"
    ca.cert_pem.write_to_path(str(ca_file))
    chain_file.write_bytes(b"".join(blob.bytes() for blob in leaf.cert_chain_pems))
    leaf.private_key_pem.write_to_path(str(key_file))
    return ca_file, chain_file, key_file


@contextmanager
def tls_target(folder: Path, kind: str) -> Iterator[TlsTarget]:
    """Serve an https site on a free loopback port with a certificate of `kind`: "self-signed", "expired",
    "wrong-host" or "good"; stop it afterwards."""
    folder.mkdir(parents=True, exist_ok=True)
    if kind == "self-signed":
        chain_file, key_file = _self_signed(folder)
        ca_file = chain_file
    else:
        ca_file, chain_file, key_file = _issued(folder, kind)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(chain_file, key_file)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            found = self.path.split("?", 1)[0] in ("/", "/robots.txt")
            body = PAGE if found else b"<!DOCTYPE html><html lang='en'><title>Not found</title><h1>Not found</h1>"
            self.send_response(200 if found else 404)
            for name, value in HEADERS.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        do_HEAD = do_GET

        def log_message(self, format: str, *args: object) -> None:
            pass

    class Server(ThreadingHTTPServer):
        daemon_threads = True

        def get_request(self) -> tuple[socket.socket, Any]:
            connection, address = self.socket.accept()
            # The handshake happens in the handler's thread, so a client that gives up on it blocks no one.
            return context.wrap_socket(connection, server_side=True, do_handshake_on_connect=False), address

        def handle_error(self, request: object, client_address: object) -> None:
            pass  # clients that refuse the certificate hang up mid-handshake, on purpose

    with serving(Server(("127.0.0.1", 0), Handler)) as port:
        yield TlsTarget(f"https://127.0.0.1:{port}", ca_file)
