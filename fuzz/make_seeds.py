"""Writes the curated seed corpora of the fuzz targets (fuzz/corpus/<target>/<name>).

Run from fuzz/: python3 make_seeds.py. Deterministic: the same files every time. Seeds
are valid inputs (from the reference vectors and test keys, SHA-256 of "vector-key-N",
never real keys) plus tricky near-misses. libFuzzer's own finds are not committed (CI
fuzzes a copy of the corpus); only seeds written here and request lines kept by hand.

Independent of airsign's Rust code: Python's hashlib (scrypt, PBKDF2), `cryptography`
(Ed25519, AES-128-CTR) and pycryptodome (Keccak-256).
"""
import hashlib
import json
import os

from Crypto.Hash import keccak
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

HERE = os.path.dirname(os.path.abspath(__file__))
B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141


def b58(b):
    n = int.from_bytes(b, "big")
    out = ""
    while n:
        n, r = divmod(n, 58)
        out = B58[r] + out
    return "1" * (len(b) - len(b.lstrip(b"\0"))) + out


def key(i):
    return hashlib.sha256(b"vector-key-%d" % i).digest()


def ed_public(seed):
    return Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes(
        Encoding.Raw, PublicFormat.Raw
    )


def write(target, name, data):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def solana_json():
    t = "key_solana_json"
    for i in (1, 2, 3):
        kp = key(i) + ed_public(key(i))
        write(t, "valid-%d" % i, json.dumps(list(kp)))
        write(t, "valid-compact-%d" % i, "[" + ",".join(map(str, kp)) + "]\n")
    kp = list(key(1) + ed_public(key(1)))
    write(t, "valid-multiline", "[\n  " + ",\n  ".join(map(str, kp)) + "\n]\r\n")
    write(t, "63-items", json.dumps(kp[:63]))
    write(t, "65-items", json.dumps(kp + [0]))
    write(t, "item-256", json.dumps(kp[:63] + [256]))
    write(t, "item-negative", json.dumps([-1] + kp[1:]))
    write(t, "item-float", json.dumps(kp[:63]).rstrip("]") + ",1.0]")
    write(t, "item-leading-zeros", "[" + ",".join("%03d" % b for b in kp) + "]")
    write(t, "item-string", json.dumps(kp[:63] + ["7"]))
    write(t, "trailing-comma", json.dumps(kp)[:-1] + ",]")
    write(t, "unclosed", json.dumps(kp)[:-1])
    write(t, "nested", "[" + json.dumps(kp) + "]")
    write(t, "empty-array", "[]")
    write(t, "empty-items", "[,,,]")
    write(t, "mismatched-public-half", json.dumps(list(key(1) + ed_public(key(2)))))
    write(t, "zero-seed", json.dumps(list(bytes(32) + ed_public(bytes(32)))))
    write(t, "huge-number", json.dumps(kp[:63]).rstrip("]") + "," + "9" * 40 + "]")
    write(t, "object", '{"secret":' + json.dumps(kp) + "}")


def base58():
    t = "key_base58"
    for i in (1, 2, 3):
        write(t, "valid-%d" % i, b58(key(i) + ed_public(key(i))))
    good = b58(key(1) + ed_public(key(1)))
    write(t, "valid-newline", good + "\n")
    write(t, "valid-crlf-spaces", "  " + good + " \r\n")
    write(t, "public-key-32", b58(ed_public(key(1))))
    write(t, "seed-32", b58(key(1)))
    write(t, "bad-char-0", good[:40] + "0" + good[41:])
    write(t, "bad-char-O", good[:40] + "O" + good[41:])
    write(t, "bad-char-l", good[:40] + "l" + good[41:])
    write(t, "one-short", good[:-1])
    write(t, "one-long", good + "1")
    write(t, "leading-ones", "1" * 10 + good)
    write(t, "all-ones-64", "1" * 64)
    write(t, "all-z-88", "z" * 88)
    write(t, "mismatched-keypair", b58(key(1) + ed_public(key(2))))
    write(t, "zero-keypair", b58(bytes(64)))
    write(t, "unicode", good[:30] + "\u00e9" + good[31:])
    write(t, "internal-space", good[:44] + " " + good[44:])


def hexkeys():
    t = "key_hex"
    for i in (1, 2, 3):
        write(t, "valid-%d" % i, key(i).hex())
    k = key(1).hex()
    write(t, "valid-0x", "0x" + k + "\n")
    write(t, "valid-0X", "0X" + k)
    write(t, "valid-upper", k.upper())
    write(t, "valid-spaces-crlf", "  " + k + "  \r\n")
    write(t, "62-digits", k[:62])
    write(t, "66-digits", k + "00")
    write(t, "63-digits", k[:63])
    write(t, "non-hex", k[:62] + "zz")
    write(t, "zero", "0" * 64)
    write(t, "order-n", "%064x" % N)
    write(t, "order-n-minus-1", "%064x" % (N - 1))
    write(t, "all-f", "f" * 64)
    write(t, "one", "%064x" % 1)
    write(t, "0x-only", "0x")
    write(t, "double-0x", "0x0x" + k[:60])
    write(t, "internal-space", k[:32] + " " + k[32:])
    write(t, "unicode-digit", k[:63] + "\u0661")


def b64url(b):
    import base64

    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def jwt(claims, header=b'{"alg":"RS256","typ":"JWT"}'):
    return "%s.%s.%s" % (b64url(header), b64url(claims), b64url(b"signature-bytes"))


def tokens():
    t = "key_token"
    write(t, "hmac-secret", "vector-secret-1\n")
    write(t, "hmac-secret-crlf", "vector-secret-1\r\n")
    write(t, "opaque-token", "vector-opaque-token-3_AbC~xyz.123\n")
    write(t, "jwt-exp", jwt(b'{"sub":"x","exp":1700000300}'))
    write(t, "jwt-exp-past", jwt(b'{"sub":"x","exp":1600000000}'))
    write(t, "jwt-exp-float", jwt(b'{"exp":1700000000.9}'))
    write(t, "jwt-exp-string", jwt(b'{"exp":"soon"}'))
    write(t, "jwt-exp-null", jwt(b'{"exp":null}'))
    write(t, "jwt-exp-negative", jwt(b'{"exp":-5}'))
    write(t, "jwt-exp-huge", jwt(b'{"exp":1e400}'))
    write(t, "jwt-exp-dup", jwt(b'{"exp":1,"exp":2}'))
    write(t, "jwt-no-exp", jwt(b'{"sub":"x"}'))
    write(t, "jwt-payload-array", jwt(b"[1700000000]"))
    write(t, "jwt-payload-not-json", jwt(b"not json"))
    write(t, "jwt-bad-base64", b64url(b'{"alg":"none"}') + ".@@@.sig")
    write(t, "jwt-two-segments", b64url(b'{"alg":"none"}') + "." + b64url(b"{}"))
    write(t, "jwt-four-segments", jwt(b"{}") + ".x")
    write(t, "bearer-prefix", "Bearer abcdef\n")
    write(t, "bearer-tab", "bearer\tabcdef")
    write(t, "bearer-glued", "BearerSECRETTOKEN")
    write(t, "space", "abc def")
    write(t, "crlf-injection", "token\r\nX-Evil: 1\n")
    write(t, "non-ascii", "tok\u00e9n")
    write(t, "invalid-utf8", b"tok\xffen")
    write(t, "empty", "")
    write(t, "newline-only", "\n")
    write(t, "two-newlines", "secret\n\n")
    write(t, "lone-cr", "secret\r")


def keystore_file(kdf, kdfparams, dk, secret, iv, address=True, mac=None):
    enc = Cipher(algorithms.AES(dk[:16]), modes.CTR(iv)).encryptor()
    ct = enc.update(secret) + enc.finalize()
    h = keccak.new(digest_bits=256)
    h.update(dk[16:32] + ct)
    ks = {
        "crypto": {
            "cipher": "aes-128-ctr",
            "cipherparams": {"iv": iv.hex()},
            "ciphertext": ct.hex(),
            "kdf": kdf,
            "kdfparams": kdfparams,
            "mac": mac or h.hexdigest(),
        },
        "id": "6b1f2a3c-0000-4000-8000-000000000009",
        "version": 3,
    }
    if address:
        ks["address"] = "aecd5d1257167020ed09ca8f0f94cbcdc68cbc81"
    return ks


def keystores():
    t = "keystore_v3"
    pw = b"fuzz-password"
    salt = hashlib.sha256(b"fuzz-salt").digest()
    iv = hashlib.sha256(b"fuzz-iv").digest()[:16]
    secret = key(1)  # address 0xAeCd5D1257167020ED09CA8F0F94cbCdC68CBC81
    sp = {"dklen": 32, "n": 4, "r": 1, "p": 1, "salt": salt.hex()}
    sdk = hashlib.scrypt(pw, salt=salt, n=4, r=1, p=1, dklen=32)
    pp = {"dklen": 32, "c": 2, "prf": "hmac-sha256", "salt": salt.hex()}
    pdk = hashlib.pbkdf2_hmac("sha256", pw, salt, 2, 32)
    valid_s = keystore_file("scrypt", sp, sdk, secret, iv)
    valid_p = keystore_file("pbkdf2", pp, pdk, secret, iv)
    write(t, "valid-scrypt-tiny", json.dumps(valid_s, indent=2))
    write(t, "valid-pbkdf2-tiny", json.dumps(valid_p))
    write(t, "valid-no-address", json.dumps(keystore_file("pbkdf2", pp, pdk, secret, iv, address=False)))
    write(t, "address-mismatch", json.dumps(keystore_file("pbkdf2", pp, pdk, key(2), iv)))
    write(t, "wrong-mac", json.dumps(keystore_file("pbkdf2", pp, pdk, secret, iv, mac="00" * 32)))
    write(t, "key-zero", json.dumps(keystore_file("pbkdf2", pp, pdk, bytes(32), iv, address=False)))
    write(t, "key-order-n", json.dumps(keystore_file("pbkdf2", pp, pdk, N.to_bytes(32, "big"), iv, address=False)))
    caps = json.loads(json.dumps(valid_s))
    caps["Crypto"] = caps.pop("crypto")
    write(t, "capital-crypto", json.dumps(caps))

    def variant(name, base, edit):
        ks = json.loads(json.dumps(base))
        edit(ks)
        write(t, name, json.dumps(ks))

    kp = lambda ks: ks["crypto"]["kdfparams"]  # noqa: E731
    variant("scrypt-n-2^30", valid_s, lambda ks: kp(ks).update(n=1 << 30))
    variant("scrypt-n-2^64-1", valid_s, lambda ks: kp(ks).update(n=2**64 - 1))
    variant("scrypt-n-2^64", valid_s, lambda ks: kp(ks).update(n=2**64))
    variant("scrypt-n-1", valid_s, lambda ks: kp(ks).update(n=1))
    variant("scrypt-n-3", valid_s, lambda ks: kp(ks).update(n=3))
    variant("scrypt-r-huge", valid_s, lambda ks: kp(ks).update(r=2**32 - 1))
    variant("scrypt-p-huge", valid_s, lambda ks: kp(ks).update(p=2**32 - 1))
    variant("scrypt-r-0", valid_s, lambda ks: kp(ks).update(r=0))
    variant("scrypt-n-float", valid_s, lambda ks: kp(ks).update(n=4.0))
    variant("scrypt-n-string", valid_s, lambda ks: kp(ks).update(n="4"))
    variant("pbkdf2-c-huge", valid_p, lambda ks: kp(ks).update(c=2**32))
    variant("pbkdf2-c-0", valid_p, lambda ks: kp(ks).update(c=0))
    variant("pbkdf2-sha512", valid_p, lambda ks: kp(ks).update(prf="hmac-sha512"))
    variant("dklen-16", valid_p, lambda ks: kp(ks).update(dklen=16))
    variant("salt-huge", valid_p, lambda ks: kp(ks).update(salt="ab" * 2000))
    variant("salt-odd", valid_p, lambda ks: kp(ks).update(salt="abc"))
    variant("kdf-argon2", valid_p, lambda ks: ks["crypto"].update(kdf="argon2"))
    variant("cipher-cbc", valid_p, lambda ks: ks["crypto"].update(cipher="aes-128-cbc"))
    variant("iv-short", valid_p, lambda ks: ks["crypto"]["cipherparams"].update(iv="00" * 8))
    variant("ciphertext-long", valid_p, lambda ks: ks["crypto"].update(ciphertext="00" * 33))
    variant("mac-0x", valid_p, lambda ks: ks["crypto"].update(mac="0x" + ks["crypto"]["mac"]))
    variant("version-2", valid_p, lambda ks: ks.update(version=2))
    variant("version-string", valid_p, lambda ks: ks.update(version="3"))
    variant("address-0x-mixed", valid_p, lambda ks: ks.update(address="0xAeCd5D1257167020ED09CA8F0F94cbCdC68CBC81"))
    variant("address-bad-checksum", valid_p, lambda ks: ks.update(address="0xaeCd5D1257167020ED09CA8F0F94cbCdC68CBC81"))
    variant("address-number", valid_p, lambda ks: ks.update(address=5))
    write(t, "duplicate-key", json.dumps(valid_p)[:-1] + ',"version":3}')
    write(t, "bom", "\ufeff" + json.dumps(valid_p))
    write(t, "truncated", json.dumps(valid_p)[:200])
    write(t, "empty-object", "{}")
    write(t, "deep", "{" + '"a":{' * 200 + "}" * 201)
    data = os.path.join(HERE, "..", "crates", "airsign-keys", "tests", "data")
    for f in sorted(os.listdir(data)):
        if f.endswith(".json"):
            with open(os.path.join(data, f), "rb") as src:
                write(t, "data-" + f[:-5], src.read())


def canonical():
    t = "canonical_json"
    vec = os.path.join(HERE, "..", "vectors")
    for venue in ("pacifica", "derive", "mobula", "ripio", "layer1"):
        with open(os.path.join(vec, venue + ".jsonl")) as f:
            cases = [json.loads(line) for line in f if line.strip()]
        for c in cases[:: max(1, len(cases) // 6)][:6]:
            write(t, "%s-%s" % (venue, c["name"]), json.dumps(c["request"]))
            exp = c.get("expected", {})
            if isinstance(exp.get("signed_message"), str):
                write(t, "%s-%s-signed" % (venue, c["name"]), exp["signed_message"])
    write(t, "nested-sort", '{"b":1,"a":{"d":[{"z":1,"y":2}],"c":true},"A":null,"":[]}')
    write(t, "unicode", '{"s":"caf\\u00e9 \u20ac \U0001f680 \\ud83d\\ude80","\u00e9":1,"e":2}')
    write(t, "escapes", r'{"s":"\"\\\/\b\f\n\r\t\u0000\u001f\u007f\u0080\u2028"}')
    write(t, "lone-surrogate", r'{"s":"\ud800"}')
    write(t, "lone-low-surrogate", r'{"s":"\udc00x"}')
    write(t, "big-ints", "[18446744073709551615,18446744073709551616,-9223372036854775809,1%s]" % ("0" * 60))
    write(t, "minus-zero", '{"a":-0,"b":[-0,0]}')
    write(t, "floats", '{"a":1.0,"b":1e3,"c":-0.0,"d":1E-7}')
    write(t, "float-deep", '{"a":[{"b":[2.5]}]}')
    write(t, "duplicate-keys", '{"a":1,"a":2}')
    write(t, "duplicate-nested", '{"a":{"b":1,"b":{}}}')
    write(t, "bom", '\ufeff{"a":1}')
    write(t, "whitespace", ' \t\n{ "a" : [ 1 , 2 ] }\r\n')
    write(t, "deep-127", "[" * 127 + "]" * 127)
    write(t, "deep-129", "[" * 129 + "]" * 129)
    write(t, "deep-objects", '{"a":' * 100 + "1" + "}" * 100)
    write(t, "scalars", "[true,false,null,\"\",0,-1]")
    write(t, "top-string", '"just a string"')
    write(t, "top-number", "42")
    write(t, "key-order-codepoints", '{"\U0001f600":1,"\uffff":2,"Z":3,"a":4,"\u00e9":5}')
    write(t, "invalid-utf8", b'{"a":"\xff"}')
    write(t, "trailing-garbage", '{"a":1}x')


def base_urls():
    """base_url: the bases airsign's tests and docs use (valid-*), and the red team's."""
    t = "base_url"
    good = ["https://api.pacifica.fi", "https://proxy.example/", "https://proxy.example:8443/",
            "https://proxy.example/derive/", "wss://ws.proxy.example/ripio",
            "https://layer1.customer.example/api/", "https://10.0.0.1:443/x",
            "https://[::1]:8443", "https://[2001:db8::1]/a/b-c_d.e~f", "wss://x.example",
            "https://255.255.255.255:65535", "https://a-b.c-d.example:1/x~y"]
    bad = ["http://x", "HTTPS://x", "https://x:99999", "https://x:0", "https://x:abc",
           "https://x:", "https://x:0443", "https://[::1", "https://[::1]x", "https://[zz]",
           "https://.", "https://-", "https://x.", "https://-x.example", "https://x..example",
           "https://x.example%2fp", "https://x.example/a%0d%0aHost:evil",
           "https://x.example/../admin", "https://x.example/a/./b", "https://x.example//a",
           "https://user@x.example", "https://x.example?q", "https://x.example#f",
           "https://x.example\\a", "https://x.example/a b", "https://x.example/\r\n",
           "https://x.ex\u00e4mple", "https://1.2.3.999", "https://", "https:///a"]
    for i, u in enumerate(good):
        write(t, "valid-%02d" % i, u)
    for i, u in enumerate(bad):
        write(t, "bad-%02d" % i, u)


def requests():
    """Request lines for venues the hand-kept corpus lacks (derive, mobula, hyperliquid)."""
    t = "request"
    vec = os.path.join(HERE, "..", "vectors")
    for venue in ("derive", "mobula", "hyperliquid"):
        with open(os.path.join(vec, venue + ".jsonl")) as f:
            cases = [json.loads(line) for line in f if line.strip()]
        picked = cases[:: max(1, len(cases) // 12)][:12]
        if venue == "hyperliquid":
            # Every named case (each action, vault, expiry, ws, each refusal) beside the sample.
            picked += [c for c in cases if not c["name"].startswith("rand-") and c not in picked]
        for c in picked:
            write(t, "%s-%s" % (venue, c["name"]), json.dumps(c["request"], separators=(",", ":")))
            if "error" not in c.get("expected", {}):
                # Hyperliquid's post id is an integer.
                ws = dict(c["request"], transport="ws", id=1 if venue == "hyperliquid" else "fuzz-1")
                write(t, "%s-%s-ws" % (venue, c["name"]), json.dumps(ws, separators=(",", ":")))


def batches():
    """Whole batch inputs: good and bad lines, LF/CRLF/lone CR, a long line, no final LF."""
    t = "batch"
    good = [
        '{"venue":"pacifica","action":"cancel_order","expiry_window":5000,"params":{"symbol":"BTC","order_id":1}}',
        '{"venue":"derive","action":"cancel_all","timestamp":1700000000000,"params":{"subaccount_id":1}}',
        '{"venue":"ripio","action":"cancel_all_orders","timestamp":1700000000000,"api_token":"t","params":{}}',
        '{"venue":"layer1","action":"cancel_conversion","params":{"conversion_id":"3c90c3cc-0d44-4b50-8888-8dd25736052a"}}',
        '{"venue":"mobula","action":"cancel-order","timestamp":1735686300000,"params":{"orderIndex":"42","marketId":"m","chainId":"lighter:301","dex":"lighter"}}',
    ]
    write(t, "all-venues", "\n".join(good) + "\n")
    write(t, "all-venues-no-final-newline", "\n".join(good))
    write(t, "crlf", "\r\n".join(good) + "\r\n")
    write(t, "lone-cr", "\r".join(good))
    write(t, "mixed-bad", "\n".join([good[0], "", "{bad", good[1], " ", "\ufeff" + good[0], good[2]]) + "\n")
    write(t, "invalid-utf8", good[0].encode() + b"\n\xff\xfe\n" + good[1].encode())
    write(t, "overlong-line", good[0] + "\n" + "x" * 300 + "\n" + good[1] + "\n")
    write(t, "overlong-at-end", good[0] + "\n" + " " * 257)
    write(t, "exactly-at-cap", good[0] + "\n" + " " * 256 + "\n" + good[1])
    write(t, "empty-lines", "\n\n\n")
    write(t, "many-small", "\n".join([good[i % 5] for i in range(12)]))
    write(t, "single", good[0])


def hostile():
    """The committed hostile lines (vectors/hostile.tsv) small enough to be seeds."""
    with open(os.path.join(HERE, "..", "vectors", "hostile.tsv")) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            name, _code, _field, col = line.rstrip("\n").split("\t", 3)
            if col.startswith("gen:"):
                continue
            data = bytes.fromhex(col[4:]) if col.startswith("hex:") else json.loads(col).encode()
            write("request", "hostile-" + name, data)


if __name__ == "__main__":
    solana_json()
    base58()
    hexkeys()
    tokens()
    keystores()
    canonical()
    base_urls()
    requests()
    batches()
    hostile()
