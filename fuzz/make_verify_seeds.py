"""Writes the seed corpus of the `verify_envelope` fuzz target (fuzz/corpus/verify_envelope/).

Run from fuzz/ after `cargo build --release -p airsign`: python3 make_verify_seeds.py.
Seeds are envelopes the built `airsign sign` prints for the valid reference cases (test
keys only: SHA-256 of "vector-key-N"; Ripio cases are signed with the fuzz entry's
secret so verify can check their HMAC), plus tampered and malformed variants. They are
inputs to explore from, not proof of anything: the vector harness and the property tests
are what check verify.
"""
import json
import os
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
BIN = os.path.join(ROOT, "target", "release", "airsign")
OUT = os.path.join(HERE, "corpus", "verify_envelope")
# airsign::fuzzing::VERIFY_FUZZ_SECRET (the public test key text of "vector-key-1").
RIPIO_SECRET = "b46fe82232f5912acec09e955a0b21150fc2e3ccbaf0c1e97aea94c64a8ceac3"


def sign(request, key_text):
    with tempfile.NamedTemporaryFile("w", delete=False) as f:
        f.write(key_text)
        path = f.name
    os.chmod(path, 0o600)
    try:
        out = subprocess.run(
            [BIN, "sign", "--key-file", path, "-"],
            input=json.dumps(request).encode(),
            capture_output=True,
            check=False,
        )
    finally:
        os.unlink(path)
    return out.stdout.decode().strip() if out.returncode == 0 else None


def write(name, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data.encode() if isinstance(data, str) else data)


def main():
    os.makedirs(OUT, exist_ok=True)
    for old in os.listdir(OUT):
        os.unlink(os.path.join(OUT, old))
    kept = 0
    samples = []
    for venue in ["pacifica", "derive", "mobula", "ripio", "layer1", "hyperliquid"]:
        with open(os.path.join(ROOT, "vectors", venue + ".jsonl")) as f:
            cases = [json.loads(l) for l in f if l.strip()]
        valid = [c for c in cases if "error" not in c["expected"]]
        for i, c in enumerate(valid):
            if i % 2:
                continue
            key = c.get("agent_key") or c["key"]
            text = RIPIO_SECRET if venue == "ripio" else key["value"]
            env = sign(c["request"], text)
            if env is None:
                continue
            write("valid-" + c["name"], env)
            kept += 1
            if i % 8 == 0:
                samples.append((c["name"], env))
    for name, env in samples:
        e = json.loads(env)
        sig = e["signed"][0]["signature"] if e["signed"] else None
        if sig:
            forged = sig[:-3] + ("a" if sig[-3] != "a" else "b") + sig[-2:]
            write("sig-" + name, env.replace(sig, forged))
        if e["body"]:
            i = len(e["body"]) // 2
            body = e["body"][:i] + ("1" if e["body"][i] != "1" else "2") + e["body"][i + 1 :]
            e2 = dict(e, body=body)
            write("body-" + name, json.dumps(e2, separators=(",", ":"), ensure_ascii=False))
        write("host-" + name, env.replace("://", "://proxy.example/", 1))
        write("pretty-" + name, json.dumps(e, indent=2, ensure_ascii=False))
        write("no-signed-" + name, json.dumps(dict(e, signed=[]), separators=(",", ":")))
    write("error-object", '{"airsign":1,"line":3,"error":{"code":"params.missing","field":"params.order_id","message":"missing"}}')
    write("empty-object", "{}")
    write("not-json", "airsign")
    write("bom", "\ufeff" + samples[0][1])
    write("duplicate-body", samples[0][1].replace('"body":', '"body":null,"body":', 1))
    write("version-2", samples[0][1].replace('"airsign":1', '"airsign":2', 1))
    print(f"{kept} valid envelopes, {len(os.listdir(OUT))} seeds")


main()
