"""Certificates for meterd's TLS tests, written as PEM files into the directory given:

    ca.pem                the root the tests trust through [chain] ca_file
    good.pem              localhost, 127.0.0.1 and ::1, issued by an intermediate (leaf, then intermediate)
    othername.pem         node.example only, same chain: right issuer, wrong name
    nodeinvalid.pem       node.invalid, same chain: a name only a proxy knows how to reach
    expired.pem           the right names and chain, validity ended yesterday
    notyetvalid.pem       the right names and chain, validity starts tomorrow
    selfsigned.pem        the right names, signed by itself
    unknownca.pem         the right names, issued by a root nobody trusts
    key.pem               the key of every leaf above
"""
import datetime
import ipaddress
import sys
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

NOW = datetime.datetime.now(datetime.timezone.utc)
DAY = datetime.timedelta(days=1)
RIGHT_NAMES = [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
               x509.IPAddress(ipaddress.ip_address("::1"))]


def name(text):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, text)])


def certificate(subject, key, issuer, issuer_key, *, ca, names=None, start=NOW - DAY, end=NOW + 30 * DAY):
    builder = (x509.CertificateBuilder().subject_name(name(subject)).issuer_name(name(issuer))
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(start).not_valid_after(end)
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if names:
        builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
    if ca:
        builder = builder.add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True, content_commitment=False,
                                                      key_encipherment=False, data_encipherment=False, key_agreement=False,
                                                      encipher_only=False, decipher_only=False), critical=True)
    return builder.sign(issuer_key, hashes.SHA256())


def pem(*certificates):
    return b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certificates)


def main(directory):
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    root_key, intermediate_key, stranger_key, leaf_key = (ec.generate_private_key(ec.SECP256R1()) for _ in range(4))
    root = certificate("meterd test root", root_key, "meterd test root", root_key, ca=True)
    intermediate = certificate("meterd test intermediate", intermediate_key, "meterd test root", root_key, ca=True)
    stranger = certificate("a root nobody trusts", stranger_key, "a root nobody trusts", stranger_key, ca=True)

    def leaf(names=RIGHT_NAMES, issuer=("meterd test intermediate", intermediate_key), **validity):
        return certificate("node", leaf_key, issuer[0], issuer[1], ca=False, names=names, **validity)

    files = {
        "ca.pem": pem(root),
        "good.pem": pem(leaf(), intermediate),
        "othername.pem": pem(leaf(names=[x509.DNSName("node.example")]), intermediate),
        "nodeinvalid.pem": pem(leaf(names=[x509.DNSName("node.invalid")]), intermediate),
        "expired.pem": pem(leaf(start=NOW - 30 * DAY, end=NOW - DAY), intermediate),
        "notyetvalid.pem": pem(leaf(start=NOW + DAY, end=NOW + 30 * DAY), intermediate),
        "selfsigned.pem": pem(certificate("node", leaf_key, "node", leaf_key, ca=False, names=RIGHT_NAMES)),
        "unknownca.pem": pem(leaf(issuer=("a root nobody trusts", stranger_key)), stranger),
        "key.pem": leaf_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()),
    }
    for file, data in files.items():
        (out / file).write_bytes(data)


main(sys.argv[1])
