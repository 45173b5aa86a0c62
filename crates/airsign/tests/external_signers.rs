//! Two-phase signing end to end: `prepare` → signatures made outside airsign by
//! independent implementations (PyNaCl for ed25519; eth-account for personal_sign and
//! EIP-712 digests; a DER signature over the digest from Python's `cryptography`, as an
//! HSM or KMS returns it) → `assemble` gives exactly the bytes `sign` gives, in every
//! signature encoding; a signature by another key is refused and no envelope is printed.

#![allow(clippy::unwrap_used, clippy::panic)]
#![allow(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    reason = "the external signers are independent Python programs and `CI` says whether \
              they must be present; airsign itself never starts a program (clippy.toml)"
)]

mod common;

use common::{airsign, private_file, run_with_stdin};
use serde_json::Value;

/// Test keys only (the first is SHA-256 of "vector-key-1"; the second is the key of the
/// Hyperliquid reference vectors); never fund them.
const KEY1: &str = "b46fe82232f5912acec09e955a0b21150fc2e3ccbaf0c1e97aea94c64a8ceac3";
const KEY2: &str = "a655ac2ac50b40f3e43c0254b7f8dbb89cbc2f91279154a7d17ab95b3824ea69";

/// Signs every payload of a prepared request (stdin) with the key in argv[1], printing
/// one JSON array per payload: the signature in every encoding an external signer gives.
/// It checks what it can of the payload on its own first: the digest is recomputed, the
/// EIP-712 bytes are 0x1901 ‖ domain ‖ struct, the off-chain message wraps the text.
const SIGNER: &str = r#"
import base64, hashlib, json, sys
prepared = json.load(sys.stdin)
key = bytes.fromhex(sys.argv[1])
B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
def b58(b):
    n = int.from_bytes(b, "big"); s = ""
    while n: n, r = divmod(n, 58); s = B58[r] + s
    return "1" * (len(b) - len(b.lstrip(b"\0"))) + s
N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141
def der_forms(sig):
    # The same signature as an HSM or KMS hands it back: DER (cryptography's own
    # encoder), with s as given and flipped to n - s (high s), and raw r || s.
    from cryptography.hazmat.primitives.asymmetric import utils
    r, s = int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:64], "big")
    low = utils.encode_dss_signature(r, s)
    high = utils.encode_dss_signature(r, N - s)
    return [low.hex(), base64.b64encode(low).decode(), high.hex(), sig[:64].hex()]
def hsm(digest):
    # A fresh signature from Python's cryptography over the digest (random k, any s).
    from cryptography.hazmat.primitives.asymmetric import ec, utils
    from cryptography.hazmat.primitives import hashes
    k = ec.derive_private_key(int.from_bytes(key, "big"), ec.SECP256K1())
    return k.sign(digest, ec.ECDSA(utils.Prehashed(hashes.SHA256()))).hex()
out = []
fresh = []
for p in prepared["payloads"]:
    msg = bytes.fromhex(p["message_hex"])
    if p["scheme"] in ("ed25519", "solana-offchain"):
        import nacl.signing
        if p["scheme"] == "solana-offchain":
            text = p["message"].encode()
            assert msg == b"\xffsolana offchain\0\0" + len(text).to_bytes(2, "little") + text
        else:
            assert msg == p["message"].encode()
        sig = nacl.signing.SigningKey(key).sign(msg).signature
        out.append([b58(sig), sig.hex(), "0x" + sig.hex(), base64.b64encode(sig).decode()])
    elif p["scheme"] == "eip191":
        from eth_account import Account
        from eth_account.messages import encode_defunct, _hash_eip191_message
        m = encode_defunct(primitive=msg)
        digest = _hash_eip191_message(m)
        assert "0x" + digest.hex() == p["digest"], (digest.hex(), p["digest"])
        sig = Account.sign_message(m, key).signature
        v01 = sig[:64] + bytes([sig[64] - 27])
        out.append(["0x" + sig.hex(), v01.hex()] + der_forms(sig))
        fresh.append(hsm(digest))
    elif p["scheme"] == "eip712":
        from eth_account import Account
        from eth_utils import keccak
        assert msg == b"\x19\x01" + bytes.fromhex(p["domain_hash"][2:]) + bytes.fromhex(p["struct_hash"][2:])
        digest = keccak(msg)
        assert "0x" + digest.hex() == p["digest"]
        sign_hash = getattr(Account, "unsafe_sign_hash", None) or getattr(Account, "signHash")
        sig = sign_hash(digest, key).signature
        v01 = sig[:64] + bytes([sig[64] - 27])
        out.append(["0x" + sig.hex(), v01.hex()] + der_forms(sig))
        fresh.append(hsm(digest))
    else:
        raise SystemExit("no external signer for " + p["scheme"])
print(json.dumps({"same": out, "fresh": fresh}))
"#;

fn python_ready() -> bool {
    let ok = std::process::Command::new("python3")
        .args(["-c", "import nacl, eth_account, cryptography"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have python3 with pynacl, eth-account and cryptography"
        );
        eprintln!("SKIPPED: pip install pynacl eth-account cryptography");
    }
    ok
}

struct Case {
    name: &'static str,
    scheme: &'static str,
    key: &'static str,
    request: &'static str,
    now: &'static str,
}

const CASES: &[Case] = &[
    Case {
        name: "pacifica software",
        scheme: "ed25519",
        key: KEY1,
        request: r#"{"venue":"pacifica","action":"cancel_order","timestamp":1748970123456,"expiry_window":5000,"params":{"symbol":"BTC","order_id":42069}}"#,
        now: "1748970123456",
    },
    Case {
        name: "pacifica batch over ws (two signatures, a drawn id)",
        scheme: "ed25519",
        key: KEY1,
        request: r#"{"venue":"pacifica","action":"batch_orders","transport":"ws","expiry_window":5000,"params":{"actions":[{"type":"Cancel","symbol":"BTC","order_id":1},{"type":"CancelStopOrder","symbol":"ETH","order_id":2}]}}"#,
        now: "1748970123456",
    },
    Case {
        name: "pacifica hardware (Solana off-chain message)",
        scheme: "ed25519",
        key: KEY1,
        request: r#"{"venue":"pacifica","action":"cancel_order","timestamp":1748970123456,"expiry_window":200000,"signature_type":"hardware","params":{"symbol":"BTC","order_id":42069}}"#,
        now: "1748970123456",
    },
    Case {
        name: "derive (personal_sign)",
        scheme: "secp256k1",
        key: KEY1,
        request: r#"{"venue":"derive","action":"cancel_quote","timestamp":1700000000000,"wallet":"0xAeCd5D1257167020ED09CA8F0F94cbCdC68CBC81","params":{"quote_id":"3d0958f3-2ec2-4502-974c-65c64cc9ac88","subaccount_id":12345}}"#,
        now: "1700000000000",
    },
    Case {
        name: "derive over ws (login frame)",
        scheme: "secp256k1",
        key: KEY1,
        request: r#"{"venue":"derive","action":"cancel_all","transport":"ws","timestamp":1700000000000,"params":{"subaccount_id":12345}}"#,
        now: "1700000000000",
    },
    Case {
        name: "mobula (personal_sign)",
        scheme: "secp256k1",
        key: KEY1,
        request: r#"{"venue":"mobula","action":"cancel-order","timestamp":1735686300000,"params":{"dex":"gains","chainId":"evm:42161","orderIndex":"0","orderType":"order"}}"#,
        now: "1735686300000",
    },
    Case {
        name: "hyperliquid (hashed EIP-712)",
        scheme: "secp256k1",
        key: KEY2,
        request: r#"{"venue":"hyperliquid","action":"cancel","timestamp":1750000001000,"params":{"cancels":[{"a":0,"o":12345}]}}"#,
        now: "1750000001000",
    },
];

fn stdout_of(cmd: std::process::Command, input: &str) -> (Option<i32>, String, String) {
    let out = run_with_stdin(cmd, input.as_bytes());
    (
        out.status.code(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn prepare_external_signatures_assemble_is_byte_identical_to_sign() {
    if !python_ready() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for case in CASES {
        let key = private_file(dir.path(), "k", format!("{}\n", case.key));
        let mut cmd = airsign();
        cmd.args(["pubkey", "--scheme", case.scheme, "--key-file"])
            .arg(&key);
        let (_, out, _) = stdout_of(cmd, "");
        let pubkey: Value = serde_json::from_str(&out).unwrap();
        let signer = pubkey["address"].as_str().unwrap().to_owned();

        let mut cmd = airsign();
        cmd.args([
            "prepare",
            "--signer",
            &signer,
            "--scheme",
            case.scheme,
            "--now",
            case.now,
        ]);
        let (code, prepared, err) = stdout_of(cmd, case.request);
        assert_eq!(code, Some(0), "{}: {prepared}{err}", case.name);
        let p: Value = serde_json::from_str(&prepared).unwrap();
        assert_eq!(p["signer"], signer.as_str(), "{}", case.name);

        // What sign prints for the prepared request (its timestamp and id fixed).
        let mut cmd = airsign();
        cmd.args(["sign", "--scheme", case.scheme, "--key-file"])
            .arg(&key);
        let (code, signed, err) = stdout_of(cmd, &p["request"].to_string());
        assert_eq!(code, Some(0), "{}: {signed}{err}", case.name);

        let mut py = std::process::Command::new("python3");
        py.args(["-c", SIGNER, case.key]);
        let (code, forms, err) = stdout_of(py, &prepared);
        assert_eq!(code, Some(0), "{}: {err}", case.name);
        let forms: Value = serde_json::from_str(&forms).unwrap();
        let fresh: Vec<String> = serde_json::from_value(forms["fresh"].clone()).unwrap();
        let forms: Vec<Vec<String>> = serde_json::from_value(forms["same"].clone()).unwrap();
        assert_eq!(forms.len(), p["payloads"].as_array().unwrap().len());
        let encodings = forms[0].len();
        assert!(encodings >= 4, "{}", case.name);
        for e in 0..encodings {
            let mut cmd = airsign();
            cmd.arg("assemble");
            for f in &forms {
                cmd.args(["--signature", &f[e]]);
            }
            let (code, assembled, err) = stdout_of(cmd, &prepared);
            assert_eq!(
                code,
                Some(0),
                "{} encoding {e}: {assembled}{err}",
                case.name
            );
            assert_eq!(assembled, signed, "{} encoding {e}", case.name);
        }

        // A fresh HSM signature (random k) is another valid signature: it assembles into
        // the same envelope but for the signature itself, and that envelope verifies.
        if !fresh.is_empty() {
            let mut cmd = airsign();
            cmd.arg("assemble");
            for f in &fresh {
                cmd.args(["--signature", f]);
            }
            let (code, assembled, err) = stdout_of(cmd, &prepared);
            assert_eq!(code, Some(0), "{} fresh DER: {assembled}{err}", case.name);
            let (a, b): (Value, Value) = (
                serde_json::from_str(&assembled).unwrap(),
                serde_json::from_str(&signed).unwrap(),
            );
            let strip = |v: &Value| {
                let sig = v["signed"][0]["signature"].as_str().unwrap().to_owned();
                let hex = sig.trim_start_matches("0x").to_owned();
                let mut text = v.to_string().replace(&sig, "SIG");
                // Hyperliquid carries r and s apart, as 0x-integers.
                for part in [&hex[..64], &hex[64..128]] {
                    let int = part.trim_start_matches('0');
                    text = text.replace(&format!("0x{int}"), "SIGPART");
                }
                text.replace(r#"\"v\":27"#, "V").replace(r#"\"v\":28"#, "V")
            };
            assert_eq!(strip(&a), strip(&b), "{} fresh DER", case.name);
            let mut cmd = airsign();
            cmd.args(["verify", "--at", case.now]);
            let (code, out, err) = stdout_of(cmd, &assembled);
            assert_eq!(code, Some(0), "{} fresh DER verify: {out}{err}", case.name);
            assert!(out.contains("\"result\":\"ok\""), "{out}");
        }

        // Signatures by another key: refused, naming which, and no envelope printed.
        let other = if case.key == KEY1 { KEY2 } else { KEY1 };
        let mut py = std::process::Command::new("python3");
        py.args(["-c", SIGNER, other]);
        let (_, wrong, _) = stdout_of(py, &prepared);
        let wrong: Value = serde_json::from_str(&wrong).unwrap();
        let wrong: Vec<Vec<String>> = serde_json::from_value(wrong["same"].clone()).unwrap();
        for e in [0, encodings - 1] {
            let mut cmd = airsign();
            cmd.arg("assemble");
            for f in &wrong {
                cmd.args(["--signature", &f[e]]);
            }
            let (code, out, err) = stdout_of(cmd, &prepared);
            assert_eq!(code, Some(1), "{} encoding {e}: {out}{err}", case.name);
            let v: Value = serde_json::from_str(&out).unwrap();
            assert_eq!(
                v["error"]["code"], "verify.bad_signature",
                "{}: {v}",
                case.name
            );
            assert_eq!(v["error"]["field"], "signatures[0]", "{}: {v}", case.name);
            assert!(
                v.get("url").is_none() && !out.contains("\"body\""),
                "{}",
                case.name
            );
        }
        // One signature too few.
        if forms.len() > 1 {
            let mut cmd = airsign();
            cmd.args(["assemble", "--signature", &forms[0][0]]);
            let (code, out, _) = stdout_of(cmd, &prepared);
            assert_eq!(code, Some(1));
            assert!(out.contains("\"signatures\""), "{out}");
        }
        // A prepared file whose request was changed in a signed part (every venue here
        // signs the timestamp) no longer matches its payloads.
        let mut t = p.clone();
        t["request"]["timestamp"] = Value::from(t["request"]["timestamp"].as_u64().unwrap() + 1);
        let tampered = t.to_string();
        {
            let mut cmd = airsign();
            cmd.arg("assemble");
            for f in &forms {
                cmd.args(["--signature", &f[0]]);
            }
            let (code, out, _) = stdout_of(cmd, &tampered);
            assert_eq!(code, Some(1), "{}: {out}", case.name);
            assert!(!out.contains("\"url\""), "{out}");
        }
    }
}

#[test]
fn an_external_keyring_key_prepares_and_sign_refuses_it() {
    let dir = tempfile::tempdir().unwrap();
    let ring = private_file(
        dir.path(),
        "keyring.json",
        serde_json::json!({
            "airsign_keyring": 1,
            "keys": [{"name": "ledger", "scheme": "external",
                      "signer": "0x52908400098527886E0F7030069857D2E4169EE7",
                      "venues": ["derive", "mobula", "hyperliquid"]}]
        })
        .to_string(),
    );
    let req = CASES[5].request;
    let mut cmd = airsign();
    cmd.args(["prepare", "--keyring"]).arg(&ring);
    let (code, out, err) = stdout_of(cmd, req);
    assert_eq!(code, Some(0), "{out}{err}");
    let p: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(p["signer"], "0x52908400098527886E0F7030069857D2E4169EE7");
    assert_eq!(p["payloads"][0]["scheme"], "eip191");
    assert!(p["payloads"][0]["digest"].as_str().unwrap().len() == 66);
    // The policy applies to prepare as to sign: a withdrawal is not a cancel.
    let withdraw = r#"{"venue":"mobula","action":"withdraw","timestamp":1735686300000,"params":{"amount":"1","chainId":"evm:42161","dex":"gains","receiver":"0x0000000000000000000000000000000000000001"}}"#;
    let mut cmd = airsign();
    cmd.args(["prepare", "--keyring"]).arg(&ring);
    let (code, out, _) = stdout_of(cmd, withdraw);
    assert_eq!(code, Some(1));
    assert!(out.contains("policy.denied"), "{out}");
    // sign cannot use a key it does not hold.
    let mut cmd = airsign();
    cmd.args(["sign", "--keyring"]).arg(&ring);
    let (code, out, _) = stdout_of(cmd, req);
    assert_eq!(code, Some(1));
    assert!(out.contains("external"), "{out}");
    // An external key names a signer and no file.
    let bad = private_file(
        dir.path(),
        "bad.json",
        serde_json::json!({"airsign_keyring": 1, "keys": [{"name": "x", "scheme": "external",
            "signer": "0x52908400098527886E0F7030069857D2E4169EE7", "file": "k", "venues": ["derive"]}]})
        .to_string(),
    );
    let mut cmd = airsign();
    cmd.args(["prepare", "--keyring"]).arg(&bad);
    let (code, _, _) = stdout_of(cmd, req);
    assert_eq!(code, Some(1));
}

#[test]
fn assemble_applies_the_policy_again() {
    // A hand-made prepared file cannot redirect a signed request: its base_url is refused
    // unless the operator allows it, whatever the signatures.
    let prepared = serde_json::json!({
        "airsign_prepared": 1, "venue": "pacifica",
        "signer": "vwYrjUyZbzW4ysgdveAQTKngA5XPTr8e6aqs2T4QhSj",
        "request": {"venue": "pacifica", "action": "cancel_order", "base_url": "https://attacker.example",
                    "timestamp": 1748970123456u64, "expiry_window": 5000, "params": {"symbol": "BTC", "order_id": 1}},
        "payloads": []
    });
    let mut cmd = airsign();
    cmd.args(["assemble", "--signature", "x"]);
    let (code, out, _) = stdout_of(cmd, &prepared.to_string());
    assert_eq!(code, Some(1));
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["error"]["code"], "policy.denied", "{v}");
    assert_eq!(v["error"]["field"], "base_url", "{v}");
}
