"""What golive advises for each certificate failure, and the public key it pins for Chromium."""

from __future__ import annotations

import trustme
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from harness.certificates import certificate_public_key_info
from harness.tls_trust import trust_hint, untrusted_reason


def test_each_verification_failure_gets_its_own_advice() -> None:
    assert trust_hint("self-signed certificate") == (
        "if it comes from a private CA, set target.ca_file to the CA's PEM file"
    )
    assert trust_hint("unable to get local issuer certificate").startswith("if it comes from a private CA")
    assert trust_hint("certificate has expired") == "renew the certificate"
    assert trust_hint("certificate is not yet valid") == "renew the certificate"
    assert trust_hint("Hostname mismatch, certificate is not valid for 'a.example'.").startswith(
        "use the host name the certificate was issued for"
    )
    assert trust_hint("IP address mismatch, certificate is not valid for '127.0.0.1'.").startswith("use the host")


def test_the_pinned_key_is_the_certificates_subject_public_key_info() -> None:
    leaf = trustme.CA().issue_cert("127.0.0.1")
    certificate = x509.load_pem_x509_certificate(leaf.cert_chain_pems[0].bytes())
    der = certificate.public_bytes(serialization.Encoding.DER)
    expected = certificate.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    assert certificate_public_key_info(der) == expected


def test_plain_http_has_no_certificate_to_distrust() -> None:
    assert untrusted_reason("http://127.0.0.1:9") is None
