"""Writes the vector-key-1 keystore fixtures, independently of airsign's Rust code.

Uses Python's hashlib (scrypt, PBKDF2-HMAC-SHA256), the `cryptography` package
(AES-128-CTR) and pycryptodome (Keccak-256), following the Web3 Secret Storage
Definition v3. Salt and IV are fixed so the files are reproducible. The key is the test
key SHA-256("vector-key-1") (address 0xAeCd5D1257167020ED09CA8F0F94cbCdC68CBC81) and the
password is in vector-key-1.password. Run: python3 make_keystores.py
"""
import hashlib
import json

from Crypto.Hash import keccak
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

KEY = hashlib.sha256(b"vector-key-1").digest()
PASSWORD = open("vector-key-1.password", "rb").read().rstrip(b"\n")
ADDRESS = "aecd5d1257167020ed09ca8f0f94cbcdc68cbc81"


def k256(b):
    h = keccak.new(digest_bits=256)
    h.update(b)
    return h.digest()


def write(name, kdf, kdfparams, dk):
    iv = hashlib.sha256(b"iv-" + name.encode()).digest()[:16]
    enc = Cipher(algorithms.AES(dk[:16]), modes.CTR(iv)).encryptor()
    ct = enc.update(KEY) + enc.finalize()
    ks = {
        "address": ADDRESS,
        "crypto": {
            "cipher": "aes-128-ctr",
            "cipherparams": {"iv": iv.hex()},
            "ciphertext": ct.hex(),
            "kdf": kdf,
            "kdfparams": kdfparams,
            "mac": k256(dk[16:32] + ct).hex(),
        },
        "id": "6b1f2a3c-0000-4000-8000-00000000000%d" % (1 if kdf == "scrypt" else 2),
        "version": 3,
    }
    with open(name, "w") as f:
        json.dump(ks, f, indent=2)
        f.write("\n")


salt = hashlib.sha256(b"salt-scrypt").digest()
n, r, p = 4096, 8, 1
dk = hashlib.scrypt(PASSWORD, salt=salt, n=n, r=r, p=p, dklen=32)
write("vector-key-1.scrypt.json", "scrypt",
      {"dklen": 32, "n": n, "p": p, "r": r, "salt": salt.hex()}, dk)

salt = hashlib.sha256(b"salt-pbkdf2").digest()
c = 1024
dk = hashlib.pbkdf2_hmac("sha256", PASSWORD, salt, c, 32)
write("vector-key-1.pbkdf2.json", "pbkdf2",
      {"c": c, "dklen": 32, "prf": "hmac-sha256", "salt": salt.hex()}, dk)
