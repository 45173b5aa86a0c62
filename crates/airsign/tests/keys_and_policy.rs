//! The operator decides, never the request: tried the way an attacker on the online side
//! would, with any line they can put into airsign's input.
//!
//! - Every key form × every venue × `sign` and `batch`, with and without a `base_url`
//!   pointing at an attacker's host: no 10-character piece of the key, in any encoding
//!   (text, hex, base58, base64, JSON numbers), ever reaches stdout or stderr — except a
//!   bearer token in the one header its venue requires, at the venue's own host.
//! - A mixed batch through one keyring signs every venue, each signature checked by an
//!   independent implementation (Python's `cryptography`, `eth-account`, `hmac`), and
//!   refuses, in the same batch, what the policy and the pins forbid.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    reason = "these tests run the built binary and a Python checker, as a user would; \
              airsign itself never starts a program (clippy.toml)"
)]

mod common;

use std::path::{Path, PathBuf};

use common::{airsign, private_file, root, run_with_stdin, set_mode};
use serde_json::Value;

/// The vector test key (SHA-256 of "vector-key-1"): an ed25519 seed or a secp256k1 key.
const KEY1_HEX: &str = "b46fe82232f5912acec09e955a0b21150fc2e3ccbaf0c1e97aea94c64a8ceac3";
const RIPIO_SECRET: &str = "Ripio-SECRET-q8Zr2vKx7Lm4Np0Tw9";
const LAYER1_TOKEN: &str = "L1-TOKEN-w3Jd8sXq5Rv1Ha6Ky2Pz.Mn7";
const ATTACKER: &str = "https://collector.attacker.example";
const CONVERSION: &str = "550e8400-e29b-41d4-a716-446655440000";

/// One request per venue (every one a cancel the default policy signs).
fn requests() -> Vec<String> {
    vec![
        r#"{"venue":"pacifica","action":"cancel_order","timestamp":1748970123456,"expiry_window":5000,"params":{"symbol":"BTC","order_id":42069}}"#.to_owned(),
        r#"{"venue":"derive","action":"cancel_quote","timestamp":1700000000000,"params":{"quote_id":"3d0958f3-2ec2-4502-974c-65c64cc9ac88","subaccount_id":12345}}"#.to_owned(),
        r#"{"venue":"mobula","action":"cancel-order","timestamp":1735686300000,"params":{"orderIndex":"42","marketId":"lighter-btc-usd","chainId":"lighter:301","dex":"lighter"}}"#.to_owned(),
        r#"{"venue":"ripio","action":"cancel_order","timestamp":1700000000000,"api_token":"api-token-1","params":{"id":"7155ED34-9EC4-4733-8B32-1E4319CB662F"}}"#.to_owned(),
        format!(r#"{{"venue":"layer1","action":"cancel_conversion","timestamp":1700000000000,"params":{{"conversion_id":"{CONVERSION}"}}}}"#),
    ]
}

/// `req` with `"base_url"` pointing at the attacker.
fn redirected(req: &str) -> String {
    let scheme = if req.contains("\"ws\"") {
        "wss"
    } else {
        "https"
    };
    let url = ATTACKER.replacen("https", scheme, 1);
    format!(r#"{{"base_url":"{url}",{}"#, &req[1..])
}

fn b58(data: &[u8]) -> String {
    const A: &[u8] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    let mut digits: Vec<u8> = Vec::new();
    for &byte in data {
        let mut carry = u32::from(byte);
        for d in &mut digits {
            carry += u32::from(*d) << 8;
            *d = (carry % 58) as u8;
            carry /= 58;
        }
        while carry > 0 {
            digits.push((carry % 58) as u8);
            carry /= 58;
        }
    }
    let zeros = data.iter().take_while(|&&b| b == 0).count();
    std::iter::repeat_n('1', zeros)
        .chain(digits.iter().rev().map(|&d| A[usize::from(d)] as char))
        .collect()
}

fn b64(data: &[u8], url: bool) -> String {
    let a: &[u8] = if url {
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    } else {
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    };
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | (u32::from(b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(a[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

/// Every 10-character piece of every encoding of each secret byte string, plus runs of
/// four numbers as a JSON array writes them.
fn pieces(secrets: &[Vec<u8>]) -> Vec<String> {
    let mut out = Vec::new();
    for s in secrets {
        let mut forms = vec![
            hex::encode(s),
            hex::encode_upper(s),
            b58(s),
            b64(s, false),
            b64(s, true),
        ];
        if let Ok(t) = std::str::from_utf8(s) {
            forms.push(t.to_owned());
        }
        for f in forms {
            let chars: Vec<char> = f.chars().collect();
            for w in chars.windows(10) {
                out.push(w.iter().collect());
            }
        }
        let numbers: Vec<String> = s.iter().map(u8::to_string).collect();
        for w in numbers.windows(4) {
            out.push(w.join(","));
            out.push(w.join(", "));
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The ed25519 keypair (seed ‖ public key) of a seed.
fn keypair(seed: &[u8]) -> Vec<u8> {
    let seed: [u8; 32] = seed.try_into().unwrap();
    let signer = airsign_keys::Ed25519Signer::from_seed(&seed);
    [&seed[..], &signer.public_key()[..]].concat()
}

struct Form {
    name: &'static str,
    file: PathBuf,
    /// Flags the operator gives with it.
    flags: Vec<String>,
    /// The secret bytes no output may show a piece of.
    secrets: Vec<Vec<u8>>,
    /// A bearer token: allowed in a Layer1 envelope's Authorization header, nowhere else.
    bearer: Option<String>,
}

fn forms(dir: &Path) -> Vec<Form> {
    let seed = hex::decode(KEY1_HEX).unwrap();
    let kp = keypair(&seed);
    let json = format!(
        "[{}]",
        kp.iter().map(u8::to_string).collect::<Vec<_>>().join(",")
    );
    let data = root().join("crates/airsign-keys/tests/data");
    let pw = data.join("vector-key-1.password");
    let flags = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    let f = |name: &str, text: &str| private_file(dir, name, format!("{text}\n"));
    let ed_secrets = vec![seed.clone(), kp.clone()];
    vec![
        Form {
            name: "ed25519 hex seed",
            file: f("seed.hex", KEY1_HEX),
            flags: flags(&["--scheme", "ed25519"]),
            secrets: ed_secrets.clone(),
            bearer: None,
        },
        Form {
            name: "solana keypair json",
            file: f("id.json", &json),
            flags: vec![],
            secrets: ed_secrets.clone(),
            bearer: None,
        },
        Form {
            name: "base58 keypair",
            file: f("kp.b58", &b58(&kp)),
            flags: vec![],
            secrets: ed_secrets,
            bearer: None,
        },
        Form {
            name: "secp256k1 hex",
            file: f("eth.hex", &format!("0x{KEY1_HEX}")),
            flags: flags(&["--scheme", "secp256k1"]),
            secrets: vec![seed.clone()],
            bearer: None,
        },
        Form {
            name: "keystore (scrypt)",
            file: data.join("vector-key-1.scrypt.json"),
            flags: vec!["--password-file".to_owned(), pw.display().to_string()],
            secrets: vec![
                seed.clone(),
                std::fs::read(&pw).unwrap().trim_ascii().to_vec(),
            ],
            bearer: None,
        },
        Form {
            name: "keystore (pbkdf2)",
            file: data.join("vector-key-1.pbkdf2.json"),
            flags: vec!["--password-file".to_owned(), pw.display().to_string()],
            secrets: vec![
                seed.clone(),
                std::fs::read(&pw).unwrap().trim_ascii().to_vec(),
            ],
            bearer: None,
        },
        Form {
            name: "hex as an hmac secret",
            file: f("hex.secret", KEY1_HEX),
            flags: flags(&["--scheme", "hmac"]),
            secrets: vec![seed, KEY1_HEX.as_bytes().to_vec()],
            bearer: None,
        },
        Form {
            name: "ripio secret",
            file: f("ripio.secret", RIPIO_SECRET),
            flags: flags(&["--scheme", "hmac"]),
            secrets: vec![RIPIO_SECRET.as_bytes().to_vec()],
            bearer: None,
        },
        Form {
            name: "layer1 token",
            file: f("layer1.token", LAYER1_TOKEN),
            flags: flags(&["--scheme", "bearer"]),
            secrets: vec![LAYER1_TOKEN.as_bytes().to_vec()],
            bearer: Some(LAYER1_TOKEN.to_owned()),
        },
    ]
}

/// Fails if any piece of the form's key is in the output, outside the one place a bearer
/// token belongs (a Layer1 envelope's Authorization header, at Layer1's own host).
fn assert_no_piece(form: &Form, pieces: &[String], what: &str, stdout: &str, stderr: &str) {
    let mut visible = stderr.to_owned();
    for line in stdout.lines() {
        let Ok(mut v) = serde_json::from_str::<Value>(line) else {
            visible.push_str(line);
            continue;
        };
        if let Some(token) = &form.bearer
            && v["venue"] == "layer1"
            && v["url"]
                .as_str()
                .is_some_and(|u| u.starts_with("https://api.layer1.com/"))
            && v["headers"]["Authorization"] == format!("Bearer {token}")
        {
            v["headers"]["Authorization"] = Value::from("<the token's own place>");
        }
        visible.push_str(&v.to_string());
    }
    for p in pieces {
        assert!(
            !visible.contains(p.as_str()),
            "{}: {what}: a piece of the key ({p:?}) reached the output:\n{visible:.2000}",
            form.name
        );
    }
}

#[test]
fn no_request_line_brings_any_piece_of_any_key_form_to_the_output() {
    let dir = tempfile::tempdir().unwrap();
    let lines: Vec<String> = requests()
        .iter()
        .flat_map(|r| [r.clone(), redirected(r)])
        .collect();
    let mut signed = 0;
    for form in forms(dir.path()) {
        let pieces = pieces(&form.secrets);
        for line in &lines {
            let mut cmd = airsign();
            cmd.arg("sign")
                .arg("--key-file")
                .arg(&form.file)
                .args(&form.flags);
            let out = run_with_stdin(cmd, line.as_bytes());
            let (stdout, stderr) = (
                String::from_utf8(out.stdout).unwrap(),
                String::from_utf8(out.stderr).unwrap(),
            );
            assert_no_piece(&form, &pieces, line, &stdout, &stderr);
            let v: Value = serde_json::from_str(stdout.trim_end()).unwrap();
            if line.contains(ATTACKER) {
                // No request redirects anything the operator did not allow.
                assert_eq!(v["error"]["code"], "policy.denied", "{}: {line}", form.name);
                assert_eq!(v["error"]["field"], "base_url");
                assert_eq!(out.status.code(), Some(1));
            } else if v.get("error").is_none() {
                signed += 1;
                assert_eq!(out.status.code(), Some(0));
            }
        }
        for jobs in ["1", "2"] {
            let mut cmd = airsign();
            cmd.args(["batch", "--jobs", jobs, "--key-file"])
                .arg(&form.file)
                .args(&form.flags);
            let out = run_with_stdin(cmd, lines.join("\n").as_bytes());
            let (stdout, stderr) = (
                String::from_utf8(out.stdout).unwrap(),
                String::from_utf8(out.stderr).unwrap(),
            );
            assert_eq!(stdout.lines().count(), lines.len(), "{}", form.name);
            assert_no_piece(&form, &pieces, "batch", &stdout, &stderr);
        }
    }
    // Each form signs the venues of its own scheme (and nothing else): 3 ed25519 forms ×
    // Pacifica, 3 secp256k1 forms × Derive and Mobula, 2 HMAC forms × Ripio, the token ×
    // Layer1.
    assert_eq!(signed, 3 + 3 * 2 + 2 + 1);
}

#[test]
fn the_layer1_exfiltration_line_is_refused() {
    // The exact line of the report: a Solana keypair once left as "Bearer [246,143,…]".
    let line = format!(
        r#"{{"venue":"layer1","action":"cancel_conversion","base_url":"{ATTACKER}","params":{{"conversion_id":"{CONVERSION}"}}}}"#
    );
    let mut cmd = airsign();
    cmd.args(["batch", "--key-file", "examples/TEST-KEY-readme.json"]);
    let out = run_with_stdin(cmd, line.as_bytes());
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("\"policy.denied\""), "{stdout}");
    assert!(
        !stdout.contains("Bearer") && !stdout.contains('['),
        "{stdout}"
    );
    // Without the base_url it is a scheme mismatch: the keypair is an ed25519 key.
    let line = line.replace(&format!(r#""base_url":"{ATTACKER}","#), "");
    let mut cmd = airsign();
    cmd.args(["batch", "--key-file", "examples/TEST-KEY-readme.json"]);
    let out = run_with_stdin(cmd, line.as_bytes());
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("\"key.scheme_mismatch\""), "{stdout}");
    assert!(!stdout.contains("Bearer"), "{stdout}");
}

const PACIFICA_ACCOUNT: &str = "5UbRrwLm27uQXLNhSnbjLHtbYPDW2QP1NJHzfMcskFKw";
const API_TOKEN: &str = "pinned-api-token-7";

/// A keyring for every venue: the README's Pacifica keypair with its account pinned, the
/// vector-key-1 keystore for Derive and Mobula, a Ripio secret with a pinned api_token,
/// a Layer1 token; `extra_keys` appended to the keys.
fn write_keyring(dir: &Path, extra_keys: &[Value]) -> PathBuf {
    let data = root().join("crates/airsign-keys/tests/data");
    std::fs::copy(
        root().join("examples/TEST-KEY-readme.json"),
        dir.join("id.json"),
    )
    .unwrap();
    set_mode(&dir.join("id.json"), 0o600);
    std::fs::copy(data.join("vector-key-1.scrypt.json"), dir.join("eth.json")).unwrap();
    std::fs::copy(data.join("vector-key-1.password"), dir.join("eth.password")).unwrap();
    set_mode(&dir.join("eth.password"), 0o600);
    private_file(dir, "ripio.secret", format!("{RIPIO_SECRET}\n"));
    private_file(dir, "layer1.token", format!("{LAYER1_TOKEN}\n"));
    let mut keys = vec![
        serde_json::json!({"name": "pacifica-main", "scheme": "ed25519", "file": "id.json",
            "venues": ["pacifica"], "account": PACIFICA_ACCOUNT}),
        serde_json::json!({"name": "eth", "scheme": "secp256k1", "file": "eth.json",
            "password_file": "eth.password", "venues": ["derive", "mobula"]}),
        serde_json::json!({"name": "ripio", "scheme": "hmac", "file": "ripio.secret",
            "venues": ["ripio"], "api_token": API_TOKEN}),
        serde_json::json!({"name": "layer1", "scheme": "bearer", "file": "layer1.token",
            "venues": ["layer1"]}),
    ];
    keys.extend_from_slice(extra_keys);
    let ring = serde_json::json!({"airsign_keyring": 1, "keys": keys,
        "policy": {"base_urls": ["https://l1.internal.example"], "max_expiry_window_ms": 60000}});
    private_file(dir, "keyring.json", ring.to_string())
}

/// Checks signatures the way the venues would, with other code than airsign's: Python's
/// `cryptography` (ed25519), `eth-account` (EIP-191 recovery) and `hmac` (HMAC-SHA256).
const CHECKER: &str = r#"
import base64, hashlib, hmac, json, sys
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from eth_account import Account
from eth_account.messages import encode_defunct
A = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
def b58(s):
    n = 0
    for c in s: n = n * 58 + A.index(c)
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return b"\0" * (len(s) - len(s.lstrip("1"))) + raw
secret, token = sys.argv[1].encode(), sys.argv[2]
for line in sys.stdin:
    env = json.loads(line)
    if "error" in env: print("refused"); continue
    v = env["venue"]
    if v == "layer1":
        assert env["headers"]["Authorization"] == "Bearer " + token
        print("layer1 ok"); continue
    for s in env["signed"]:
        msg = s["message"].encode()
        if s["scheme"] == "ed25519":
            Ed25519PublicKey.from_public_bytes(b58(env["signer"])).verify(b58(s["signature"]), msg)
        elif s["scheme"] == "eip191":
            got = Account.recover_message(encode_defunct(msg), signature=s["signature"])
            assert got == env["signer"], (got, env["signer"])
        elif s["scheme"].startswith("hmac"):
            tag = base64.b64encode(hmac.new(secret, msg, hashlib.sha256).digest()).decode()
            assert tag == s["signature"] or tag.rstrip("=") == s["signature"], (tag, s)
        else:
            raise SystemExit("unknown scheme " + s["scheme"])
    print(v + " ok")
"#;

fn python_has(modules: &str) -> bool {
    std::process::Command::new("python3")
        .args(["-c", &format!("import {modules}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn one_keyring_cancels_on_every_venue_and_refuses_what_the_operator_did_not_allow() {
    let dir = tempfile::tempdir().unwrap();
    let ring = write_keyring(dir.path(), &[]);
    let reqs = requests();
    // Ripio's request names no api_token: the pin fills it in.
    let ripio = reqs[3].replace(r#""api_token":"api-token-1","#, "");
    let lines = [
        reqs[0].clone(),
        reqs[1].clone(),
        reqs[2].clone(),
        ripio.clone(),
        reqs[4].clone(),
        // Refused, each for its own reason:
        r#"{"venue":"mobula","action":"withdraw","timestamp":1735686300000,"params":{"amount":"1","chainId":"evm:42161","dex":"gains","receiver":"0x0000000000000000000000000000000000000001"}}"#.to_owned(),
        reqs[0].replacen('{', r#"{"account":"9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin","#, 1),
        reqs[0].replacen('{', r#"{"key":"no-such-key","#, 1),
        redirected(&reqs[4]),
        reqs[3].clone(), // names another api_token than the pinned one
        reqs[0].replace(r#""expiry_window":5000"#, r#""expiry_window":60001"#),
    ];
    let mut cmd = airsign();
    cmd.args(["batch", "--keyring"]).arg(&ring);
    let out = run_with_stdin(cmd, lines.join("\n").as_bytes());
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let answers: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(answers.len(), lines.len());
    for (i, venue) in ["pacifica", "derive", "mobula", "ripio", "layer1"]
        .iter()
        .enumerate()
    {
        assert_eq!(answers[i]["venue"], *venue, "{}", answers[i]);
        assert!(answers[i].get("error").is_none(), "{}", answers[i]);
    }
    assert_eq!(answers[0]["signer"], PACIFICA_ACCOUNT);
    assert_eq!(answers[3]["headers"]["Authorization"], API_TOKEN);
    let refusals = [
        ("policy.denied", "action"),
        ("policy.denied", "account"),
        ("key.missing", "key"),
        ("policy.denied", "base_url"),
        ("policy.denied", "api_token"),
        ("policy.denied", "expiry_window"),
    ];
    for (a, (code, field)) in answers[5..].iter().zip(refusals) {
        assert_eq!(a["error"]["code"], code, "{a}");
        assert_eq!(a["error"]["field"], field, "{a}");
    }
    for secret in [RIPIO_SECRET, &LAYER1_TOKEN[..12], &KEY1_HEX[..12]] {
        assert!(!stdout[..].replace(LAYER1_TOKEN, "").contains(secret));
    }

    // Every signature, checked by an independent implementation.
    if !python_has("cryptography, eth_account") {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have python3 with cryptography and eth-account (pip install eth-account)"
        );
        eprintln!("SKIPPED: independent signature check (pip install eth-account cryptography)");
        return;
    }
    let signed: String = stdout.lines().take(5).map(|l| format!("{l}\n")).collect();
    let mut py = std::process::Command::new("python3");
    py.args(["-c", CHECKER, RIPIO_SECRET, LAYER1_TOKEN]);
    let checked = run_with_stdin(py, signed.as_bytes());
    assert!(
        checked.status.success(),
        "{}",
        String::from_utf8_lossy(&checked.stderr)
    );
    assert_eq!(
        String::from_utf8(checked.stdout).unwrap(),
        "pacifica ok\nderive ok\nmobula ok\nripio ok\nlayer1 ok\n"
    );
}

#[test]
fn two_keys_for_one_venue_are_ambiguous_and_a_loose_keyring_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let second = serde_json::json!({"name": "eth-2", "scheme": "secp256k1", "file": "eth.json",
        "password_file": "eth.password", "venues": ["derive"]});
    let ring = write_keyring(dir.path(), &[second]);
    let derive = &requests()[1];
    let mut cmd = airsign();
    cmd.args(["sign", "--keyring"]).arg(&ring);
    let out = run_with_stdin(cmd, derive.as_bytes());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["error"]["code"], "key.ambiguous", "{v}");
    let message = v["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("\"eth\"") && message.contains("\"eth-2\""),
        "{message}"
    );
    // Naming one resolves it.
    let named = derive.replacen('{', r#"{"key":"eth-2","#, 1);
    let mut cmd = airsign();
    cmd.args(["sign", "--keyring"]).arg(&ring);
    let out = run_with_stdin(cmd, named.as_bytes());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    // Whoever can write the keyring decides what this host signs: refused.
    for mode in [0o666, 0o620, 0o602] {
        set_mode(&ring, mode);
        let mut cmd = airsign();
        cmd.args(["sign", "--keyring"]).arg(&ring);
        let out = run_with_stdin(cmd, named.as_bytes());
        assert_eq!(out.status.code(), Some(1));
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["error"]["code"], "key.permissions", "{v}");
    }
    set_mode(&ring, 0o644);
    let mut cmd = airsign();
    cmd.args(["sign", "--keyring"]).arg(&ring);
    assert_eq!(run_with_stdin(cmd, named.as_bytes()).status.code(), Some(0));
}

#[test]
fn hex_keys_and_text_secrets_need_the_operators_scheme() {
    let dir = tempfile::tempdir().unwrap();
    for (text, hint) in [(KEY1_HEX, "secp256k1"), (RIPIO_SECRET, "bearer")] {
        let key = private_file(dir.path(), "k", format!("{text}\n"));
        let mut cmd = airsign();
        cmd.args(["sign", "--key-file"]).arg(&key);
        let out = run_with_stdin(cmd, requests()[0].as_bytes());
        assert_eq!(out.status.code(), Some(1));
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["error"]["field"], "scheme");
        let m = v["error"]["message"].as_str().unwrap();
        assert!(m.contains("--scheme") && m.contains(hint), "{m}");
        assert!(!m.contains(&text[..10]));
    }
    // A keypair file that says its own scheme cannot be declared another.
    let mut cmd = airsign();
    cmd.args([
        "sign",
        "--scheme",
        "bearer",
        "--key-file",
        "examples/TEST-KEY-readme.json",
    ]);
    let out = run_with_stdin(cmd, requests()[4].as_bytes());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["error"]["code"], "key.scheme_mismatch");
}
