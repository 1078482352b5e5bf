"""The events' cipher reads and writes the library's AES-GCM format byte for byte."""

from __future__ import annotations

import pytest
from eventsourcing.cipher import AESCipher
from eventsourcing.utils import Environment

from infrastructure.cipher import AESGCMCipher


def _env() -> Environment:
    return Environment(env={"CIPHER_KEY": AESCipher.create_key(32)})


def test_each_cipher_reads_what_the_other_wrote() -> None:
    """A store written by the library's AESCipher reads with AESGCMCipher, and the other way round."""
    env = _env()
    ours, library = AESGCMCipher(env), AESCipher(env)
    text = "王建国 430112198005010011".encode() * 20
    assert ours.decrypt(library.encrypt(text)) == text
    assert library.decrypt(ours.encrypt(text)) == text
    assert ours.encrypt(text) != ours.encrypt(text)  # a fresh nonce every time


@pytest.mark.parametrize("damage", ["flip", "truncate", "short"])
def test_damaged_ciphertext_is_refused(damage: str) -> None:
    """A changed, truncated or too-short ciphertext raises ValueError, as the library's cipher does."""
    cipher = AESGCMCipher(_env())
    sealed = bytearray(cipher.encrypt(b"household event"))
    if damage == "flip":
        sealed[-1] ^= 1
    elif damage == "truncate":
        del sealed[-3:]
    else:
        sealed = sealed[:20]
    with pytest.raises(ValueError, match="damaged|Damaged"):
        cipher.decrypt(bytes(sealed))
