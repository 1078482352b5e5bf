"""The events' cipher is the library's AES-GCM through ``cryptography``; it reads and writes the same bytes as
the library's pycryptodome cipher, which the hand-written cipher this project used before also matched."""

from __future__ import annotations

import pytest
from eventsourcing.cipher import AESCipher as PycryptodomeCipher
from eventsourcing.cryptography import AESCipher
from eventsourcing.utils import Environment, resolve_topic

from infrastructure.settings import CIPHER_TOPIC


def _env() -> Environment:
    return Environment(env={"CIPHER_KEY": AESCipher.create_key(32)})


def test_the_configured_cipher_is_the_librarys() -> None:
    """Settings name the library's own AES-GCM cipher, not one of this project's."""
    assert resolve_topic(CIPHER_TOPIC) is AESCipher


def test_each_cipher_reads_what_the_other_wrote() -> None:
    """Stores written in the pycryptodome format (as before) read with the configured cipher, and back."""
    env = _env()
    ours, other = AESCipher(env), PycryptodomeCipher(env)
    text = "王建国 430112198005010011".encode() * 20
    assert ours.decrypt(other.encrypt(text)) == text
    assert other.decrypt(ours.encrypt(text)) == text
    assert ours.encrypt(text) != ours.encrypt(text)  # a fresh nonce every time


@pytest.mark.parametrize("damage", ["flip", "truncate", "short"])
def test_damaged_ciphertext_is_refused(damage: str) -> None:
    """A changed, truncated or too-short ciphertext raises ValueError."""
    cipher = AESCipher(_env())
    sealed = bytearray(cipher.encrypt(b"household event"))
    if damage == "flip":
        sealed[-1] ^= 1
    elif damage == "truncate":
        del sealed[-3:]
    else:
        sealed = sealed[:20]
    with pytest.raises(ValueError, match="[Dd]amaged|Invalid cipher tag"):
        cipher.decrypt(bytes(sealed))
