#!/usr/bin/env python3
"""Differential oracle: random Hyperliquid cancel requests signed by the official SDK.

Generates N random airsign requests for every action (cancel, cancelByCloid,
scheduleCancel with and without `time`, twapCancel, noop) from a fixed seed, signs each
with hyperliquid-python-sdk's own `sign_l1_action` (offline: no `Exchange` or `Info` is
constructed, so nothing touches the network), and writes one JSON line per request:

    {"request": {...airsign request...}, "key": "<hex>", "signer": "0x…",
     "signature": {"r","s","v"}, "body": "<exact body text>"}

`body` is the payload as the SDK's `Exchange._post_action` assembles it (action, nonce,
signature, vaultAddress, expiresAfter), written compactly; for `ws` it is the venue's
`post` frame around that payload. The Rust side (crates/airsign/tests/hyperliquid_sdk.rs)
signs the same requests and requires identical signatures and bodies.

Usage: sdk_differential.py [PER_ACTION] > cases.jsonl   (default 500 per action)
"""

import json
import random
import sys

from eth_account import Account
from eth_utils import to_checksum_address
from hyperliquid.utils.signing import sign_l1_action

SEED = 0x48595045  # "HYPE"
KINDS = ["cancel", "cancelByCloid", "scheduleCancel+time", "scheduleCancel", "twapCancel", "noop"]


def uint(rng, bits):
    """An integer spread over every msgpack width up to `bits` bits."""
    width = rng.choice([7, 8, 16, 32, 64][: {32: 4, 64: 5}[bits]])
    return rng.randrange(0, 1 << width)


def asset(rng):
    return rng.choice(
        [
            rng.randrange(0, 128),
            rng.randrange(128, 256),
            10000 + rng.randrange(0, 500),
            100000 + 10000 * rng.randrange(0, 5) + rng.randrange(0, 50),
            uint(rng, 32),
            (1 << 32) - 1,
        ]
    )


def shuffled(rng, d):
    items = list(d.items())
    rng.shuffle(items)
    return dict(items)


def case(rng, kind):
    key = "%064x" % rng.randrange(1, 1 << 255)
    nonce = 1_700_000_000_000 + rng.randrange(0, 100_000_000_000)
    transport = rng.choice(["rest", "ws"])
    testnet = rng.random() < 0.5
    vault = None
    if rng.random() < 0.3:
        vault = "0x%040x" % rng.randrange(0, 1 << 160)
        if rng.random() < 0.3:
            vault = to_checksum_address(vault)
    expires = None
    if rng.random() < 0.3:
        expires = nonce + rng.randrange(1, 100_000_000)

    if kind == "cancel":
        n = rng.choice([1, 1, 2, 3, 15, 16, 20])
        cancels = [{"a": asset(rng), "o": uint(rng, 64)} for _ in range(n)]
        action = {"type": "cancel", "cancels": cancels}
        params = {"cancels": [shuffled(rng, c) for c in cancels]}
    elif kind == "cancelByCloid":
        n = rng.choice([1, 2, 3, 16])
        cancels = [{"asset": asset(rng), "cloid": "0x%032x" % rng.randrange(0, 1 << 128)} for _ in range(n)]
        action = {"type": "cancelByCloid", "cancels": cancels}
        params = {"cancels": [shuffled(rng, c) for c in cancels]}
    elif kind == "scheduleCancel+time":
        t = nonce + 5000 + rng.choice([0, rng.randrange(0, 1000), rng.randrange(0, 86_400_000)])
        action = {"type": "scheduleCancel", "time": t}
        params = {"time": t}
    elif kind == "scheduleCancel":
        action = {"type": "scheduleCancel"}
        params = {}
    elif kind == "twapCancel":
        a, t = asset(rng), uint(rng, 64)
        action = {"type": "twapCancel", "a": a, "t": t}
        params = shuffled(rng, {"a": a, "t": t})
    else:
        action = {"type": "noop"}
        params = {}

    wallet = Account.from_key(key)
    signature = sign_l1_action(wallet, action, vault, nonce, expires, not testnet)
    # Exchange._post_action's payload, key for key.
    payload = {
        "action": action,
        "nonce": nonce,
        "signature": signature,
        "vaultAddress": vault,
        "expiresAfter": expires,
    }
    request = {
        "venue": "hyperliquid",
        "action": action["type"],
        "transport": transport,
        "timestamp": nonce,
        "params": params,
    }
    if testnet:
        request["environment"] = "testnet"
    if vault is not None:
        request["vault_address"] = vault
    if expires is not None:
        request["expires_after"] = expires
    body = payload
    if transport == "ws":
        request["id"] = uint(rng, 64)
        body = {"method": "post", "id": request["id"], "request": {"type": "action", "payload": payload}}
    return {
        "kind": kind,
        "request": shuffled(rng, request),
        "key": key,
        "signer": wallet.address,
        "signature": signature,
        "body": json.dumps(body, separators=(",", ":")),
    }


def main():
    per_action = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    rng = random.Random(SEED)
    out = sys.stdout
    for kind in KINDS:
        for _ in range(per_action):
            out.write(json.dumps(case(rng, kind), separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
