"""The validity dates of an X.509 certificate in its binary (DER) form, which every suite that looks at TLS needs.

Python only decodes certificates that verified, and an untrusted or expired certificate is exactly the one whose
dates matter, so the DER is read here; only the validity field is parsed.
"""

from __future__ import annotations

import datetime as dt


class CertificateParseError(ValueError):
    """The certificate's DER encoding is not what X.509 prescribes."""


def _element(data: bytes, offset: int) -> tuple[int, int, int]:
    """One DER element at `offset`: its tag, where its value starts and where it ends."""
    if offset + 2 > len(data):
        raise CertificateParseError("truncated certificate")
    tag, length = data[offset], data[offset + 1]
    offset += 2
    if length & 0x80:
        size = length & 0x7F
        if size == 0 or size > 4 or offset + size > len(data):
            raise CertificateParseError("unsupported length in certificate")
        length = int.from_bytes(data[offset : offset + size], "big")
        offset += size
    if offset + length > len(data):
        raise CertificateParseError("truncated certificate")
    return tag, offset, offset + length


def _time(tag: int, raw: bytes) -> dt.datetime:
    text = raw.decode("ascii")
    if tag == 0x17:  # UTCTime: two-digit years, 50-99 meaning 19xx (RFC 5280)
        parsed = dt.datetime.strptime(text, "%y%m%d%H%M%SZ")
        if parsed.year >= 2050:
            parsed = parsed.replace(year=parsed.year - 100)
    elif tag == 0x18:  # GeneralizedTime
        parsed = dt.datetime.strptime(text, "%Y%m%d%H%M%SZ")
    else:
        raise CertificateParseError(f"unexpected time type 0x{tag:02x} in the validity field")
    return parsed.replace(tzinfo=dt.UTC)


def certificate_validity(der: bytes) -> tuple[dt.datetime, dt.datetime]:
    """notBefore and notAfter of an X.509 certificate in DER form."""
    _, certificate, _ = _element(der, 0)
    tag, position, tbs_end = _element(der, certificate)
    if tag != 0x30:
        raise CertificateParseError("no tbsCertificate in certificate")
    tag, start, end = _element(der, position)
    if tag == 0xA0:  # the optional explicit version comes first
        position = end
    # serialNumber, signature algorithm, issuer, then validity.
    for _ in range(3):
        _, _, position = _element(der, position)
    tag, start, end = _element(der, position)
    if tag != 0x30 or end > tbs_end:
        raise CertificateParseError("no validity field in certificate")
    first_tag, first_start, first_end = _element(der, start)
    second_tag, second_start, second_end = _element(der, first_end)
    return _time(first_tag, der[first_start:first_end]), _time(second_tag, der[second_start:second_end])


def certificate_public_key_info(der: bytes) -> bytes:
    """The subjectPublicKeyInfo of an X.509 certificate in DER form, whole (tag and length included), as pinned."""
    _, certificate, _ = _element(der, 0)
    tag, position, tbs_end = _element(der, certificate)
    if tag != 0x30:
        raise CertificateParseError("no tbsCertificate in certificate")
    tag, _, end = _element(der, position)
    if tag == 0xA0:  # the optional explicit version comes first
        position = end
    # serialNumber, signature algorithm, issuer, validity, subject, then subjectPublicKeyInfo.
    for _ in range(5):
        _, _, position = _element(der, position)
    tag, _, end = _element(der, position)
    if tag != 0x30 or end > tbs_end:
        raise CertificateParseError("no subjectPublicKeyInfo in certificate")
    return der[position:end]
