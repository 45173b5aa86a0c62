//! Secrets never leak: the built binary is run with recognisable key files over valid
//! and bad requests (and bad key files), and everything it prints — stdout and stderr —
//! is searched for the secret.
//!
//! - A Ripio API secret (the HMAC key) must appear nowhere, in any form: not raw, not as
//!   hex or base64, not even a 10-character piece of it.
//! - A Layer1 bearer token may appear in exactly one place: the `Authorization` header
//!   value of a successful envelope. Never in errors, never on stderr.
//! - A Ripio API token (the public half) appears only where the venue requires it on
//!   the wire: the `Authorization` header (REST) or the ws frame's `params.api_token`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::Path;

use serde_json::Value;

const RIPIO_SECRET: &str = "Ripio-SECRET-q8Zr2vKx7Lm4Np0Tw9";
const LAYER1_TOKEN: &str = "L1-TOKEN-w3Jd8sXq5Rv1Ha6Ky2Pz.Mn7";
const API_TOKEN: &str = "api-token-Gf4Ts9Xe";

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn airsign(args: &[&str], key: &Path, stdin: &str) -> Run {
    let mut cmd = common::airsign();
    cmd.args(args).arg("--key-file").arg(key);
    let out = common::run_with_stdin(cmd, stdin.as_bytes());
    Run {
        code: out.status.code(),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

/// Every form of `secret` that must never be printed: the text, its hex and base64, and
/// every 10-character window of it.
fn forbidden_forms(secret: &str) -> Vec<String> {
    let mut v = vec![secret.to_owned(), hex::encode(secret)];
    v.push(base64_std(secret.as_bytes()));
    let chars: Vec<char> = secret.chars().collect();
    for w in chars.windows(10) {
        v.push(w.iter().collect());
    }
    v
}

/// Standard base64, written here so the test does not share the code it checks.
fn base64_std(data: &[u8]) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | (u32::from(b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(A[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn assert_absent(run: &Run, secret: &str, what: &str) {
    for form in forbidden_forms(secret) {
        assert!(
            !run.stdout.contains(&form) && !run.stderr.contains(&form),
            "{what}: printed {form:?}\nstdout: {}\nstderr: {}",
            run.stdout,
            run.stderr
        );
    }
}

fn ripio(fields: &str) -> String {
    format!(r#"{{"venue":"ripio","timestamp":1700000000000,"api_token":"{API_TOKEN}",{fields}}}"#)
}

const ORDER: &str = "7155ED34-9EC4-4733-8B32-1E4319CB662F";

fn ripio_requests() -> Vec<(String, bool)> {
    vec![
        (
            ripio(&format!(
                r#""action":"cancel_order","transport":"ws","id":"r1","params":{{"id":"{ORDER}"}}"#
            )),
            true,
        ),
        (
            ripio(&format!(
                r#""action":"cancel_order","timestamp_tolerance":5000,"params":{{"id":"{ORDER}"}}"#
            )),
            true,
        ),
        (
            ripio(r#""action":"cancel_order","http_method":"POST","params":{"external_id":"e-1"}"#),
            true,
        ),
        (
            ripio(r#""action":"cancel_all_orders","params":{"pair":"BTC_BRL"}"#),
            true,
        ),
        (ripio(r#""action":"cancel_all_orders","params":{}"#), true),
        (ripio(r#""action":"cancel_order","params":{}"#), false),
        (
            ripio(r#""action":"cancel_order","params":{"id":"x","external_id":"y"}"#),
            false,
        ),
        (
            ripio(r#""action":"cancel_order","params":{"id":"not-a-uuid"}"#),
            false,
        ),
        (
            ripio(r#""action":"cancel_order","timestamp_tolerance":60001,"params":{"id":"x"}"#),
            false,
        ),
        (
            ripio(r#""action":"cancel_all_orders","params":{"pair":"btcbrl"}"#),
            false,
        ),
        (
            ripio(r#""action":"cancel_all_orders","transport":"ws","params":{}"#),
            false,
        ),
        (ripio(r#""action":"nope","params":{}"#), false),
        (
            r#"{"venue":"ripio","action":"cancel_order","api_token":"has space","params":{"id":"7155ED34-9EC4-4733-8B32-1E4319CB662F"}}"#
                .to_owned(),
            false,
        ),
        (r#"{"venue":"ripio","action":"#.to_owned(), false),
        (
            // Another venue's request with this key file: the key is misparsed, not echoed.
            r#"{"venue":"pacifica","action":"cancel_order","timestamp":1700000000000,"expiry_window":5000,"params":{"symbol":"BTC","order_id":1}}"#
                .to_owned(),
            false,
        ),
        (
            format!(
                r#"{{"venue":"layer1","action":"cancel_conversion","params":{{"conversion_id":"{}"}}}}"#,
                "550e8400-e29b-41d4-a716-446655440000"
            ),
            // An HMAC secret is never read as a bearer token (the operator fixed its
            // scheme), so it cannot reach a Layer1 Authorization header.
            false,
        ),
    ]
}

#[test]
fn ripio_secret_is_never_printed() {
    let dir = tempfile::tempdir().unwrap();
    let key = common::private_file(dir.path(), "ripio.key", format!("{RIPIO_SECRET}\n"));
    let mut batch = String::new();
    for (req, ok) in ripio_requests() {
        let run = airsign(&["sign", "--scheme", "hmac"], &key, &req);
        assert_eq!(
            run.code,
            Some(if ok { 0 } else { 1 }),
            "{req}: {}",
            run.stderr
        );
        if req.contains("pacifica") || req.contains("\"layer1\"") {
            // The request is fine; an HMAC secret never serves another scheme.
            assert!(
                run.stdout.contains("\"key.scheme_mismatch\""),
                "{}",
                run.stdout
            );
        }
        if req.contains("has space") {
            assert!(
                run.stdout.contains("\"field\":\"api_token\""),
                "{}",
                run.stdout
            );
        }
        assert_absent(&run, RIPIO_SECRET, &req);
        batch.push_str(&req);
        batch.push('\n');
    }
    let run = airsign(&["batch", "--scheme", "hmac"], &key, &batch);
    assert_eq!(run.code, Some(1));
    assert_absent(&run, RIPIO_SECRET, "batch");
    let run = airsign(&["pubkey", "--scheme", "hmac"], &key, "");
    assert_eq!(run.code, Some(1));
    assert_absent(&run, RIPIO_SECRET, "pubkey");

    // Bad key files: refused without a word of their contents.
    let ok_req = &ripio_requests()[0].0;
    for (name, text) in [
        ("space", format!("{RIPIO_SECRET} \n")),
        ("two-lines", format!("{RIPIO_SECRET}\n{RIPIO_SECRET}\n")),
        ("tab", format!("\t{RIPIO_SECRET}")),
    ] {
        let bad = common::private_file(dir.path(), name, &text);
        let run = airsign(&["sign", "--scheme", "hmac"], &bad, ok_req);
        assert_eq!(run.code, Some(1), "{name}");
        assert!(
            run.stdout.contains("\"key.invalid\""),
            "{name}: {}",
            run.stdout
        );
        assert_absent(&run, RIPIO_SECRET, name);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let loose = common::private_file(dir.path(), "loose", format!("{RIPIO_SECRET}\n"));
        std::fs::set_permissions(&loose, std::fs::Permissions::from_mode(0o644)).unwrap();
        let run = airsign(
            &["sign", "--scheme", "hmac", "--strict-permissions"],
            &loose,
            ok_req,
        );
        assert_eq!(run.code, Some(1));
        assert_absent(&run, RIPIO_SECRET, "strict permissions");
        let run = airsign(&["sign", "--scheme", "hmac"], &loose, ok_req);
        assert_eq!(run.code, Some(0));
        assert!(run.stderr.contains("warning"));
        assert_absent(&run, RIPIO_SECRET, "loose permissions");
    }
}

#[test]
fn ripio_api_token_only_where_the_wire_needs_it() {
    let dir = tempfile::tempdir().unwrap();
    let key = common::private_file(dir.path(), "ripio.key", RIPIO_SECRET);
    for (req, ok) in ripio_requests() {
        if !ok || !req.contains("\"ripio\"") {
            let run = airsign(&["sign", "--scheme", "hmac"], &key, &req);
            // A refused request names the api_token field, never its value.
            assert!(
                !run.stdout.contains(API_TOKEN) && !run.stderr.contains(API_TOKEN),
                "{req}: {}",
                run.stdout
            );
            assert!(!run.stdout.contains("has space") && !run.stderr.contains("has space"));
            continue;
        }
        let run = airsign(&["sign", "--scheme", "hmac"], &key, &req);
        assert_eq!(run.code, Some(0));
        assert!(!run.stderr.contains(API_TOKEN));
        let env: Value = serde_json::from_str(&run.stdout).unwrap();
        assert_eq!(run.stdout.matches(API_TOKEN).count(), 1, "{}", run.stdout);
        if env["transport"] == "ws" {
            let frame: Value = serde_json::from_str(env["body"].as_str().unwrap()).unwrap();
            assert_eq!(frame["params"]["api_token"], API_TOKEN);
        } else {
            assert_eq!(env["headers"]["Authorization"], API_TOKEN);
        }
    }
}

fn layer1(fields: &str) -> String {
    format!(r#"{{"venue":"layer1","action":"cancel_conversion",{fields}}}"#)
}

const CONVERSION: &str = r#""params":{"conversion_id":"3c90c3cc-0d44-4b50-8888-8dd25736052a"}"#;

/// base64url without padding (test-local).
fn b64url(data: &str) -> String {
    base64_std(data.as_bytes())
        .trim_end_matches('=')
        .replace('+', "-")
        .replace('/', "_")
}

fn jwt(claims: &str) -> String {
    format!(
        "{}.{}.{}",
        b64url(r#"{"alg":"RS256","typ":"JWT"}"#),
        b64url(claims),
        b64url("Sig-RECOGNIZABLE-0123456789")
    )
}

#[test]
fn bearer_token_only_in_the_authorization_header() {
    let dir = tempfile::tempdir().unwrap();
    let live_jwt = jwt(r#"{"sub":"client-RECOGNIZABLE","exp":1700000300}"#);
    for token in [LAYER1_TOKEN.to_owned(), live_jwt] {
        let key = common::private_file(dir.path(), "l1.key", format!("{token}\n"));
        let good = [
            layer1(&format!(r#""timestamp":1700000000000,{CONVERSION}"#)),
            layer1(&format!(
                r#""environment":"sandbox","timestamp":1700000000000,{CONVERSION}"#
            )),
            layer1(&format!(
                r#""base_url":"https://l1.customer.example","timestamp":1700000000000,{CONVERSION}"#
            )),
        ];
        for req in &good {
            let run = airsign(
                &[
                    "sign",
                    "--scheme",
                    "bearer",
                    "--base-url",
                    "https://l1.customer.example",
                ],
                &key,
                req,
            );
            assert_eq!(run.code, Some(0), "{req}: {}", run.stderr);
            let env: Value = serde_json::from_str(&run.stdout).unwrap();
            assert_eq!(env["headers"]["Authorization"], format!("Bearer {token}"));
            assert_eq!(
                run.stdout.matches(token.as_str()).count(),
                1,
                "{}",
                run.stdout
            );
            assert_absent(
                &Run {
                    code: None,
                    stdout: String::new(),
                    stderr: run.stderr.clone(),
                },
                &token,
                "stderr",
            );
            let mut rest = env.clone();
            rest["headers"] = Value::Null;
            let rest = rest.to_string();
            for form in forbidden_forms(&token) {
                assert!(!rest.contains(&form), "{req}: {form} outside the header");
            }
        }
        let bad = [
            layer1(&format!(r#""environment":"mainnet",{CONVERSION}"#)),
            layer1(&format!(r#""transport":"ws",{CONVERSION}"#)),
            layer1(r#""params":{"conversion_id":"../estimate"}"#),
            layer1(r#""params":{}"#),
            // An expired token: refused at the request's time, described by shape only.
            layer1(&format!(r#""timestamp":1700000300000,{CONVERSION}"#)),
            r#"{"venue":"pacifica","action":"cancel_order","timestamp":1700000000000,"expiry_window":5000,"params":{"symbol":"BTC","order_id":1}}"#.to_owned(),
            r#"{"venue":"ripio","action":"cancel_order","timestamp":1700000000000,"api_token":"t","params":{"external_id":"x"}}"#.to_owned(),
        ];
        let mut batch = String::new();
        for req in &bad {
            let run = airsign(
                &[
                    "sign",
                    "--scheme",
                    "bearer",
                    "--base-url",
                    "https://l1.customer.example",
                ],
                &key,
                req,
            );
            if req.contains("1700000300000") && token == LAYER1_TOKEN {
                // Opaque tokens carry no expiry: this one signs.
                assert_eq!(run.code, Some(0));
                continue;
            }
            assert_eq!(run.code, Some(1), "{req}: {}", run.stdout);
            if req.contains("1700000300000") {
                assert!(
                    run.stdout.contains("\"key.token_expired\""),
                    "{}",
                    run.stdout
                );
            }
            if req.contains("pacifica") || req.contains("\"ripio\"") {
                // A bearer token serves no other scheme (the operator fixed it).
                assert!(
                    run.stdout.contains("\"key.scheme_mismatch\""),
                    "{}",
                    run.stdout
                );
            }
            assert_absent(&run, &token, req);
            batch.push_str(req);
            batch.push('\n');
        }
        let run = airsign(&["batch", "--scheme", "bearer"], &key, &batch);
        assert_eq!(run.code, Some(1));
        assert_absent(&run, &token, "batch");
    }

    // Bad token files: refused without a word of their contents.
    let req = layer1(&format!(r#""timestamp":1700000000000,{CONVERSION}"#));
    for (name, text, code) in [
        (
            "prefixed",
            format!("Bearer {LAYER1_TOKEN}\n"),
            "key.invalid",
        ),
        ("space", format!("{LAYER1_TOKEN} x\n"), "key.invalid"),
        (
            "crlf-inject",
            format!("{LAYER1_TOKEN}\r\nX-Evil: 1\n"),
            "key.invalid",
        ),
        (
            "expired",
            jwt(r#"{"sub":"client-RECOGNIZABLE","exp":1600000000}"#),
            "key.token_expired",
        ),
        (
            "truncated",
            jwt(r#"{"sub":"client-RECOGNIZABLE"}"#)[..60].to_owned() + ".x",
            "key.invalid",
        ),
    ] {
        let key = common::private_file(dir.path(), name, &text);
        let run = airsign(&["sign", "--scheme", "bearer"], &key, &req);
        assert_eq!(run.code, Some(1), "{name}");
        assert!(
            run.stdout.contains(&format!("\"{code}\"")),
            "{name}: {}",
            run.stdout
        );
        let secret = text.trim_end_matches('\n');
        let core = secret.strip_prefix("Bearer ").unwrap_or(secret);
        assert_absent(&run, core, name);
        assert!(!run.stdout.contains("RECOGNIZABLE") && !run.stderr.contains("RECOGNIZABLE"));
    }
}

/// A fresh key for the leak tests below (not a vector key): SHA-256("airsign-leak-test").
fn leak_seed() -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(b"airsign-leak-test").into()
}

/// Every printable form of 32 secret bytes (and of the Solana keypair built on them):
/// hex both cases, base58 and base64 of the seed and of the keypair, and the keypair's
/// JSON numbers. `assert_absent` then also forbids every 10-character piece of each.
fn key_forms(seed: &[u8; 32]) -> Vec<String> {
    let signer = airsign_keys::Ed25519Signer::from_seed(seed);
    let mut keypair = [0u8; 64];
    keypair[..32].copy_from_slice(seed);
    keypair[32..].copy_from_slice(signer.public_key());
    let mut seed_b58 = [0u8; 32];
    seed_b58.copy_from_slice(seed);
    let numbers: Vec<String> = seed.iter().map(u8::to_string).collect();
    let mut forms = vec![
        hex::encode(seed),
        hex::encode_upper(seed),
        airsign_keys::base58_32(&seed_b58),
        airsign_keys::base58_64(&keypair),
        base64_std(seed),
        base64_std(&keypair),
    ];
    // Four consecutive key bytes as the JSON array writes them, with or without spaces.
    for w in numbers.windows(4) {
        forms.push(w.join(","));
        forms.push(w.join(", "));
    }
    forms
}

/// Like `assert_absent`, for several secrets and forms at once; short forms (the JSON
/// number runs) are matched whole only.
fn assert_none_of(run: &Run, forms: &[String], what: &str) {
    for form in forms {
        if form.contains(',') {
            assert!(
                !run.stdout.contains(form.as_str()) && !run.stderr.contains(form.as_str()),
                "{what}: printed {form:?}\nstdout: {}\nstderr: {}",
                run.stdout,
                run.stderr
            );
        } else {
            assert_absent(run, form, what);
        }
    }
}

const PACIFICA: &str = r#"{"venue":"pacifica","action":"cancel_order","timestamp":1748970123456,"expiry_window":5000,"params":{"symbol":"BTC","order_id":42069}}"#;
const DERIVE: &str = r#"{"venue":"derive","action":"cancel_quote","timestamp":1700000000000,"params":{"quote_id":"3d0958f3-2ec2-4502-974c-65c64cc9ac88","subaccount_id":12345}}"#;
const MOBULA: &str = r#"{"venue":"mobula","action":"cancel-order","timestamp":1735686300000,"params":{"orderIndex":"42","marketId":"lighter-btc-usd","chainId":"lighter:301","dex":"lighter"}}"#;
const HYPERLIQUID: &str = r#"{"venue":"hyperliquid","action":"cancel","timestamp":1750000001000,"params":{"cancels":[{"a":0,"o":12345}]}}"#;
const RIPIO: &str = r#"{"venue":"ripio","action":"cancel_order","timestamp":1700000000000,"api_token":"api-token-1","params":{"id":"7155ED34-9EC4-4733-8B32-1E4319CB662F"}}"#;

/// Runs a broken key file through every command that reads it: `sign` for an ed25519
/// and a secp256k1 venue, `pubkey` for both schemes, and a `batch` over five venues
/// (Ripio reads any text as an HMAC secret, which is never printed either). Layer1 is
/// left out: a bearer token's one legitimate place is the header, tested above.
fn run_everywhere(key: &Path, extra: &[&str]) -> Vec<(String, Run)> {
    let mut runs = Vec::new();
    let with = |args: &[&str]| -> Vec<String> {
        args.iter().chain(extra).map(|s| (*s).to_owned()).collect()
    };
    // The operator names the scheme (a broken file may not say its own); each scheme
    // runs sign, pubkey and a batch over four venues.
    for (scheme, req) in [("ed25519", PACIFICA), ("secp256k1", DERIVE)] {
        let args = with(&["sign", "--scheme", scheme]);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        runs.push((format!("sign {req}"), airsign(&args, key, req)));
    }
    for scheme in ["ed25519", "secp256k1"] {
        let args = with(&["pubkey", "--scheme", scheme]);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        runs.push((format!("pubkey {scheme}"), airsign(&args, key, "")));
    }
    let batch = [PACIFICA, DERIVE, MOBULA, HYPERLIQUID, RIPIO, "{broken"].join("\n");
    for scheme in ["ed25519", "secp256k1", "hmac"] {
        let args = with(&["batch", "--jobs", "2", "--scheme", scheme]);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        runs.push((format!("batch {scheme}"), airsign(&args, key, &batch)));
    }
    runs
}

#[test]
fn broken_ed25519_and_secp256k1_key_files_never_echo_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let seed = leak_seed();
    let hex_seed = hex::encode(seed);
    let signer = airsign_keys::Ed25519Signer::from_seed(&seed);
    let mut keypair = [0u8; 64];
    keypair[..32].copy_from_slice(&seed);
    keypair[32..].copy_from_slice(signer.public_key());
    let other = airsign_keys::Ed25519Signer::from_seed(&[7u8; 32]);
    let mut mismatched = keypair;
    mismatched[32..].copy_from_slice(other.public_key());
    let json = |bytes: &[u8]| {
        format!(
            "[{}]",
            bytes
                .iter()
                .map(u8::to_string)
                .collect::<Vec<_>>()
                .join(",")
        )
    };
    let b58 = airsign_keys::base58_64(&keypair);
    let mut bad_char = b58.clone().into_bytes();
    bad_char[40] = b'0';
    let bad_char = String::from_utf8(bad_char).unwrap();

    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "hex + junk",
            format!("{hex_seed}zz\n").into(),
            "key.invalid",
        ),
        (
            "hex, one bad digit",
            format!("{}g{}", &hex_seed[..30], &hex_seed[31..]).into(),
            "key.invalid",
        ),
        (
            "hex, 63 digits",
            hex_seed.as_bytes()[1..].to_vec(),
            "key.invalid",
        ),
        (
            "hex, 66 digits",
            format!("{hex_seed}00").into(),
            "key.invalid",
        ),
        (
            "hex, internal space",
            format!("{} {}", &hex_seed[..32], &hex_seed[32..]).into(),
            "key.invalid",
        ),
        (
            "hex, double 0x",
            format!("0x0x{hex_seed}").into(),
            "key.invalid",
        ),
        (
            "hex, two lines",
            format!("{hex_seed}\n{hex_seed}\n").into(),
            "key.invalid",
        ),
        (
            "hex, NUL inside",
            format!("{}\0{}", &hex_seed[..20], &hex_seed[20..]).into(),
            "key.invalid",
        ),
        (
            "hex, invalid UTF-8",
            [hex_seed.as_bytes(), b"\xff"].concat(),
            "key.invalid",
        ),
        (
            "json, 63 numbers",
            json(&keypair[..63]).into(),
            "key.invalid",
        ),
        (
            "json, 65 numbers",
            json(&[&keypair[..], &[1]].concat()).into(),
            "key.invalid",
        ),
        (
            "json, a 256",
            format!("[256,{}", &json(&keypair[1..])[1..]).into(),
            "key.invalid",
        ),
        (
            "json, unclosed",
            json(&keypair).trim_end_matches(']').as_bytes().to_vec(),
            "key.invalid",
        ),
        (
            "json, mismatched halves",
            json(&mismatched).into(),
            "key.mismatch",
        ),
        ("base58, one bad char", bad_char.into(), "key.invalid"),
        (
            "base58, one char short",
            b58.as_bytes()[1..].to_vec(),
            "key.mismatch",
        ),
        (
            "base58, mismatched halves",
            airsign_keys::base58_64(&mismatched).into(),
            "key.mismatch",
        ),
    ];
    let forms = key_forms(&seed);
    for (name, contents, code) in cases {
        let key = common::private_file(dir.path(), "broken.key", &contents);
        let runs = run_everywhere(&key, &[]);
        // The ed25519 venue refuses the file with the expected code.
        assert!(
            runs[0].1.stdout.contains(&format!("\"{code}\"")),
            "{name}: {}",
            runs[0].1.stdout
        );
        for (what, run) in &runs {
            assert_ne!(run.code, Some(0), "{name}: {what} succeeded");
            assert_none_of(run, &forms, &format!("{name}: {what}"));
        }
    }
}

#[test]
fn keystore_failures_never_echo_the_password_or_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../airsign-keys/tests/data");
    let keystore = std::fs::read_to_string(data.join("vector-key-1.pbkdf2.json")).unwrap();
    let password = std::fs::read_to_string(data.join("vector-key-1.password")).unwrap();
    let password = password.trim_end_matches('\n');
    // The key inside the keystore: SHA-256("vector-key-1").
    let key1: [u8; 32] = {
        use sha2::Digest;
        sha2::Sha256::digest(b"vector-key-1").into()
    };
    let mut forms = key_forms(&key1);
    forms.push(password.to_owned());
    forms.push(hex::encode(password));

    let mac = "e6ede42a5ce1aa0b4a7b648693d0eea218f23f289f9bf56966a513086247024b";
    let cases: Vec<(&str, String, String, &str)> = vec![
        (
            "wrong password",
            keystore.clone(),
            "Tr0ub4dor&3-wrong-pass\n".to_owned(),
            "key.bad_password",
        ),
        (
            "password + junk line",
            keystore.clone(),
            format!("{password}\n{password}\n"),
            "key.bad_password",
        ),
        (
            "wrong MAC",
            keystore.replace(mac, &"0".repeat(64)),
            format!("{password}\n"),
            "key.bad_password",
        ),
        (
            "address of another key",
            keystore.replace(
                "aecd5d1257167020ed09ca8f0f94cbcdc68cbc81",
                "008aeeda4d805471df9b2a5b0f38a0c3bcba786b",
            ),
            format!("{password}\n"),
            "key.mismatch",
        ),
        (
            "truncated",
            keystore[..keystore.len() / 2].to_owned(),
            format!("{password}\n"),
            "key.invalid",
        ),
        (
            "hostile c",
            keystore.replace("\"c\": 1024", "\"c\": 4294967295"),
            format!("{password}\n"),
            "key.invalid",
        ),
        (
            "duplicate mac",
            keystore.replace("\"mac\"", "\"mac\": \"00\", \"mac\""),
            format!("{password}\n"),
            "key.invalid",
        ),
    ];
    for (name, ks, pw, code) in cases {
        let key = common::private_file(dir.path(), "ks.json", &ks);
        let pw_file = common::private_file(dir.path(), "pw", &pw);
        let pw_arg = pw_file.to_str().unwrap().to_owned();
        let runs = run_everywhere(&key, &["--password-file", &pw_arg]);
        assert!(
            runs[1].1.stdout.contains(&format!("\"{code}\"")),
            "{name}: {}",
            runs[1].1.stdout
        );
        let mut wrong_pw_forms = forms.clone();
        wrong_pw_forms.push(pw.trim_end().to_owned());
        for (what, run) in &runs {
            assert_ne!(run.code, Some(0), "{name}: {what} succeeded");
            assert_none_of(run, &wrong_pw_forms, &format!("{name}: {what}"));
        }
    }
}
