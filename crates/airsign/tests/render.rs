//! `airsign render` as a user runs it, against independent receivers: the `curl`
//! commands are run by `sh` against an HTTP server on 127.0.0.1 that records exactly what
//! arrives; the raw `http` bytes are sent to the same server; every QR PNG is read back by
//! an independent PNG decoder (`png`) and QR decoder (`rqrr`); UR fragments are reassembled
//! with a third of them dropped. The envelopes are signed from the reference vectors of
//! every venue, then pointed at the local server (render judges nothing, so it renders an
//! envelope whatever its url).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(
    clippy::disallowed_types,
    clippy::disallowed_methods,
    reason = "these tests run the built binary and sh, and receive on a loopback listener \
              what the rendered commands send; airsign itself never opens a socket or \
              starts a program (clippy.toml)"
)]

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::Command;

use airsign_core::{Context, Envelope, FixedClock, SequenceIds};
use airsign_keys::{Key, Keyring, Policy, Scheme, SecretBytes};
use common::{airsign, root, run_with_stdin};
use serde_json::{Map, Value};

/// The venues with reference vectors.
const VENUES: [&str; 6] = [
    "pacifica",
    "derive",
    "mobula",
    "ripio",
    "layer1",
    "hyperliquid",
];

/// Every reference case that signs, as (venue, case name, envelope line). Pacifica agent
/// cases are left out (they need a second key); that loses no rendering shape.
fn signed_vector_envelopes() -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for venue in VENUES {
        let text = std::fs::read_to_string(root().join(format!("vectors/{venue}.jsonl"))).unwrap();
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let case: Map<String, Value> = serde_json::from_str(line).unwrap();
            if case.get("agent_key").is_some_and(Value::is_object) {
                continue;
            }
            let request = case["request"].as_object().unwrap();
            let key = case["key"]["value"].as_str().unwrap();
            let now = request
                .get("timestamp")
                .and_then(Value::as_u64)
                .unwrap_or(1_700_000_000_000);
            let clock = FixedClock(now);
            let ids = SequenceIds::new(0);
            let ctx = Context {
                clock: &clock,
                ids: &ids,
            };
            let scheme = match case["key"]["kind"].as_str().unwrap() {
                "ed25519-seed-hex" => Scheme::Ed25519,
                "secp256k1-hex" => Scheme::Secp256k1,
                "hmac-secret" => Scheme::Hmac,
                _ => Scheme::Bearer,
            };
            // As the vector harness does: every action allowed, and the case's base_url.
            let mut policy = Policy::new();
            policy.allow_any_action();
            if let Some(u) = request.get("base_url").and_then(Value::as_str) {
                let _ = policy.allow_base_url(u);
            }
            let key = Key::from_bytes(
                "key file",
                scheme,
                SecretBytes::new(key.as_bytes().to_vec()),
            );
            let keys = Keyring::single(key, policy);
            if let Ok(env) =
                airsign::sign_request(&Value::Object(request.clone()).to_string(), &keys, &ctx)
            {
                let name = case["name"].as_str().unwrap().to_owned();
                out.push((venue.to_owned(), name, env.to_json_line()));
            }
        }
    }
    out
}

fn parse(line: &str) -> Envelope {
    serde_json::from_str(line).unwrap()
}

/// The envelope with its url's scheme and host replaced by `http://<authority>` (path and
/// query kept).
fn pointed_at(env: &Envelope, authority: &str) -> Envelope {
    let rest = env.url.split_once("://").unwrap().1;
    let path = rest.find('/').map_or("/", |i| &rest[i..]);
    let mut e = env.clone();
    e.url = format!("http://{authority}{path}");
    e
}

/// One HTTP/1.1 request as received: request line, headers in order, body bytes.
#[derive(Debug, PartialEq, Eq)]
struct Received {
    method: String,
    target: String,
    version: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

fn read_request(stream: &mut TcpStream) -> Received {
    let mut r = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    r.read_line(&mut line).unwrap();
    let mut parts = line.trim_end_matches("\r\n").splitn(3, ' ');
    let (method, target, version) = (
        parts.next().unwrap().to_owned(),
        parts.next().unwrap().to_owned(),
        parts.next().unwrap().to_owned(),
    );
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        r.read_line(&mut h).unwrap();
        assert!(h.ends_with("\r\n"), "header line without CRLF: {h:?}");
        let h = h.trim_end_matches("\r\n");
        if h.is_empty() {
            break;
        }
        let (k, v) = h.split_once(':').unwrap();
        headers.push((k.to_owned(), v.strip_prefix(' ').unwrap_or(v).to_owned()));
    }
    let len = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .map_or(0, |(_, v)| v.parse::<usize>().unwrap());
    let mut body = vec![0; len];
    r.read_exact(&mut body).unwrap();
    let _ =
        stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
    Received {
        method,
        target,
        version,
        headers,
        body,
    }
}

/// Serves `n` connections on 127.0.0.1, one request each, and returns what arrived.
fn serve(n: usize) -> (String, std::thread::JoinHandle<Vec<Received>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let authority = listener.local_addr().unwrap().to_string();
    let handle = std::thread::spawn(move || {
        (0..n)
            .map(|_| {
                let (mut s, _) = listener.accept().unwrap();
                s.set_read_timeout(Some(std::time::Duration::from_secs(30)))
                    .unwrap();
                read_request(&mut s)
            })
            .collect()
    });
    (authority, handle)
}

/// Asserts that `got` is exactly `env` on the wire: its method, path and query, its
/// headers in order and nothing else but `Host` and (with a body) `Content-Length`, and
/// its body bytes (none when `body` is null).
fn assert_exact(env: &Envelope, authority: &str, got: &Received, what: &str) {
    let rest = env.url.split_once("://").unwrap().1;
    let target = rest.find('/').map_or("/", |i| &rest[i..]);
    assert_eq!(got.method, env.method.as_deref().unwrap(), "{what}");
    assert_eq!(got.target, target, "{what}");
    assert_eq!(got.version, "HTTP/1.1", "{what}");
    let host: Vec<&(String, String)> = got.headers.iter().filter(|(k, _)| k == "Host").collect();
    assert_eq!(host.len(), 1, "{what}: {:?}", got.headers);
    assert_eq!(host[0].1, authority, "{what}");
    let length: Vec<&(String, String)> = got
        .headers
        .iter()
        .filter(|(k, _)| k == "Content-Length")
        .collect();
    match &env.body {
        Some(b) => {
            assert_eq!(length.len(), 1, "{what}: {:?}", got.headers);
            assert_eq!(length[0].1, b.len().to_string(), "{what}");
            assert_eq!(got.body, b.as_bytes(), "{what}");
        }
        None => {
            assert!(
                length.is_empty(),
                "{what}: a body-less request sent {length:?}"
            );
            assert!(got.body.is_empty(), "{what}");
        }
    }
    let rest: Vec<(String, String)> = got
        .headers
        .iter()
        .filter(|(k, _)| k != "Host" && k != "Content-Length")
        .cloned()
        .collect();
    assert_eq!(rest, env.headers.0, "{what}: headers");
}

/// Envelopes no venue makes, for the corners of quoting and curl's defaults.
fn synthetic() -> Vec<Envelope> {
    let base = |method: &str, headers: Vec<(&str, &str)>, body: Option<String>| Envelope {
        airsign: 1,
        venue: "test".into(),
        action: "corner".into(),
        transport: airsign_core::Transport::Rest,
        method: Some(method.into()),
        url: "https://example.invalid/a/b?c=1&d=[x]{y}".into(),
        headers: airsign_core::Headers(
            headers
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
        ),
        body,
        login: None,
        signer: None,
        signed: Vec::new(),
        expires_at: None,
    };
    vec![
        // Quotes, shell metacharacters, a trailing newline, non-ASCII, a `@` first.
        base(
            "POST",
            vec![("X-Quote", "it's $HOME `x` \\ \"q\""), ("X-Empty", "")],
            Some("@body with 'quotes' and $(echo no) and \\n and é€\n\n".into()),
        ),
        // A body and no Content-Type: curl must not add its form type.
        base("PUT", vec![("X-A", "1")], Some("a=b&c".into())),
        // A body too long for one argument: sent through printf.
        base(
            "POST",
            vec![("Content-Type", "text/plain")],
            Some(format!("{}'\n", "x'y".repeat(60_000))),
        ),
        // POST and DELETE without a body, no headers at all.
        base("POST", vec![], None),
        base("DELETE", vec![], None),
        // An empty body is a body.
        base(
            "PATCH",
            vec![("User-Agent", "mine"), ("Accept", "text/x")],
            Some(String::new()),
        ),
    ]
}

fn render(args: &[&str], input: &[u8]) -> std::process::Output {
    let mut c = airsign();
    c.arg("render").args(args);
    run_with_stdin(c, input)
}

#[test]
fn every_curl_command_sends_exactly_the_envelope() {
    let signed = signed_vector_envelopes();
    let mut envs: Vec<(String, Envelope)> = Vec::new();
    for (venue, name, line) in &signed {
        let e = parse(line);
        if e.transport == airsign_core::Transport::Rest {
            envs.push((format!("{venue} {name}"), e));
        }
    }
    // Coverage: every venue, Ripio's cancel-all without a body, Layer1's DELETE.
    for venue in VENUES {
        assert!(envs.iter().any(|(_, e)| e.venue == venue), "{venue}");
    }
    assert!(
        envs.iter().any(|(_, e)| e.venue == "ripio"
            && e.action == "cancel_all_orders"
            && e.body.is_none())
    );
    assert!(
        envs.iter()
            .any(|(_, e)| e.venue == "layer1" && e.method.as_deref() == Some("DELETE"))
    );
    for (i, e) in synthetic().into_iter().enumerate() {
        envs.push((format!("synthetic {i}"), e));
    }

    let (authority, server) = serve(envs.len());
    let input: String = envs
        .iter()
        .map(|(_, e)| pointed_at(e, &authority).to_json_line() + "\n")
        .collect();
    let out = render(&["--format", "curl"], input.as_bytes());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let script = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        script.matches("\ncurl ").count() + script.matches("| curl ").count(),
        envs.len()
    );
    // From a file: one argument cannot hold the long body's command (Linux caps it at
    // 128 KiB), while a script can.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("send.sh");
    std::fs::write(&file, &script).unwrap();
    let run = Command::new("sh").arg(&file).output().unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert_eq!(
        String::from_utf8(run.stdout).unwrap(),
        "ok\n".repeat(envs.len())
    );
    let got = server.join().unwrap();
    for ((what, e), g) in envs.iter().zip(&got) {
        assert_exact(&pointed_at(e, &authority), &authority, g, what);
    }
    eprintln!("{} curl commands sent exactly their envelopes", got.len());
}

#[test]
fn the_raw_http_bytes_are_the_request() {
    let mut envs: Vec<Envelope> = signed_vector_envelopes()
        .iter()
        .map(|(_, _, l)| parse(l))
        .filter(|e| e.transport == airsign_core::Transport::Rest)
        .collect();
    envs.extend(synthetic());
    let (authority, server) = serve(envs.len());
    for e in &envs {
        let e = pointed_at(e, &authority);
        let out = render(&["--format", "http"], (e.to_json_line() + "\n").as_bytes());
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let mut s = TcpStream::connect(&authority).unwrap();
        s.write_all(&out.stdout).unwrap();
        let mut reply = Vec::new();
        s.read_to_end(&mut reply).unwrap();
        assert!(reply.ends_with(b"ok"));
    }
    let got = server.join().unwrap();
    for (e, g) in envs.iter().zip(&got) {
        assert_exact(&pointed_at(e, &authority), &authority, g, &e.action);
    }
}

#[test]
fn ws_envelopes_get_their_frames_login_first() {
    let signed = signed_vector_envelopes();
    let ws: Vec<Envelope> = signed
        .iter()
        .map(|(_, _, l)| parse(l))
        .filter(|e| e.transport == airsign_core::Transport::Ws)
        .collect();
    assert!(ws.iter().any(|e| e.login.is_some()));
    for e in &ws {
        let out = render(&["--format", "curl"], (e.to_json_line() + "\n").as_bytes());
        assert_eq!(out.status.code(), Some(0));
        let text = String::from_utf8(out.stdout).unwrap();
        let cmd = text.lines().last().unwrap();
        assert!(
            cmd.ends_with(&format!("| websocat -t '{}'", e.url)),
            "{cmd}"
        );
        // The shell prints the frames, in order, each exactly once.
        let feed = cmd.split_once(" | websocat").unwrap().0;
        let printed = Command::new("sh")
            .arg("-c")
            .arg(feed.replace("sleep 1", "true").replace("sleep 3", "true"))
            .output()
            .unwrap();
        let mut frames: Vec<&str> = e.login.iter().map(String::as_str).collect();
        frames.push(e.body.as_deref().unwrap());
        let expected: String = frames.iter().map(|f| format!("{f}\n")).collect();
        assert_eq!(String::from_utf8(printed.stdout).unwrap(), expected);
        // No raw HTTP rendering for a ws envelope.
        let out = render(&["--format", "http"], (e.to_json_line() + "\n").as_bytes());
        assert_eq!(out.status.code(), Some(1));
        assert!(out.stdout.is_empty());
    }
}

/// Reads a PNG with the `png` crate and finds and decodes its one QR code with `rqrr`.
fn decode_png(bytes: &[u8]) -> Vec<u8> {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    decoder.set_transformations(png::Transformations::EXPAND);
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!(info.color_type, png::ColorType::Grayscale);
    let (w, h) = (info.width as usize, info.height as usize);
    let stride = info.line_size;
    decode_grey(w, h, |x, y| buf[y * stride + x])
}

/// Finds and decodes the one QR code in a greyscale image.
fn decode_grey(w: usize, h: usize, px: impl FnMut(usize, usize) -> u8) -> Vec<u8> {
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, px);
    let grids = img.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code per image");
    let mut data = Vec::new();
    grids[0].decode_to(&mut data).unwrap();
    data
}

#[test]
fn qr_pngs_decode_to_the_exact_envelope_lines() {
    let signed = signed_vector_envelopes();
    // Per venue: its longest and shortest REST and ws envelopes.
    let mut picked: Vec<&str> = Vec::new();
    for venue in VENUES {
        for ws in [false, true] {
            let mut of: Vec<&str> = signed
                .iter()
                .filter(|(v, _, l)| v == venue && l.contains("\"transport\":\"ws\"") == ws)
                .map(|(_, _, l)| l.as_str())
                .collect();
            of.sort_by_key(|l| l.len());
            picked.extend(of.first());
            picked.extend(of.last().filter(|l| of.len() > 1 && Some(*l) != of.first()));
        }
    }
    assert!(picked.len() >= 12, "{}", picked.len());
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("qr");
    let input: String = picked.iter().map(|l| format!("{l}\n")).collect();
    let out = render(
        &["--format", "qr", "--out", out_dir.to_str().unwrap()],
        input.as_bytes(),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty());
    let mut versions = Vec::new();
    for (i, line) in picked.iter().enumerate() {
        let png = std::fs::read(out_dir.join(format!("{:06}.png", i + 1))).unwrap();
        assert_eq!(decode_png(&png), line.as_bytes(), "line {}", i + 1);
        let e = parse(line);
        versions.push(format!(
            "{} {} {}: {} bytes",
            e.venue,
            e.action,
            e.transport.as_str(),
            line.len()
        ));
    }
    assert_eq!(std::fs::read_dir(&out_dir).unwrap().count(), picked.len());
    eprintln!(
        "decoded {} QR codes:\n  {}",
        picked.len(),
        versions.join("\n  ")
    );
}

#[test]
fn one_envelope_on_the_terminal_decodes_too() {
    let signed = signed_vector_envelopes();
    let line = &signed[0].2;
    let out = render(&["--format", "qr"], format!("{line}\n").as_bytes());
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    // Back to modules: a filled half is light, two rows per character.
    let rows: Vec<Vec<char>> = text.lines().map(|l| l.chars().collect()).collect();
    let w = rows[0].len();
    let h = rows.len() * 2;
    let scale = 4;
    let light = |x: usize, y: usize| -> bool {
        let c = rows[y / 2][x];
        matches!(
            (c, y % 2),
            ('\u{2588}', _) | ('\u{2580}', 0) | ('\u{2584}', 1)
        )
    };
    let decoded = decode_grey(w * scale, h * scale, |x, y| {
        if light(x / scale, y / scale) { 255 } else { 0 }
    });
    assert_eq!(decoded, line.as_bytes());
    // More than one envelope needs --out.
    let two = format!("{line}\n{line}\n");
    let out = render(&["--format", "qr"], two.as_bytes());
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--out DIR"));
}

/// 100 envelopes (Pacifica cancels, distinct order ids), signed by `batch`.
fn batch_of_100() -> Vec<u8> {
    let mut input = String::new();
    for i in 0..100 {
        input.push_str(&format!(
            r#"{{"venue":"pacifica","action":"cancel_order","timestamp":1748970123456,"expiry_window":30000,"params":{{"symbol":"BTC","order_id":{}}}}}"#,
            42_000 + i
        ));
        input.push('\n');
    }
    let mut c = airsign();
    c.args(["batch", "--key-file", "examples/TEST-KEY-readme.json"]);
    let out = run_with_stdin(c, input.as_bytes());
    assert_eq!(out.status.code(), Some(0));
    out.stdout
}

#[test]
fn ur_fragments_rebuild_a_batch_of_100_with_a_third_dropped() {
    let batch = batch_of_100();
    assert_eq!(batch.iter().filter(|&&b| b == b'\n').count(), 100);
    let out = render(&["--format", "ur"], &batch);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let parts: Vec<&str> = text.lines().collect();
    let count: usize = parts[0]
        .strip_prefix("ur:bytes/1-")
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(parts.len(), 3 * count);
    assert!(parts.iter().all(|p| p.starts_with("ur:bytes/")));
    // Every third part dropped, pure fragments among them.
    let kept: Vec<&str> = parts
        .iter()
        .enumerate()
        .filter(|(i, _)| i % 3 != 0)
        .map(|(_, p)| *p)
        .collect();
    assert!(kept.len() <= parts.len() * 2 / 3 + 1);
    assert_eq!(
        airsign::render::ur::decode(kept.iter().copied()).unwrap(),
        batch
    );
    // The same parts in another order, repeated, still rebuild it.
    let mut shuffled: Vec<&str> = kept.iter().rev().copied().collect();
    shuffled.extend(kept.iter().take(5));
    assert_eq!(airsign::render::ur::decode(shuffled).unwrap(), batch);
    // The CLI receiver: parts as a scanner prints them (zbarcam without --raw prefixes
    // `QR-Code:`), a third dropped, and more parts after the payload is whole.
    let scanned: String = kept
        .iter()
        .map(|p| format!("QR-Code:{}\n", p.to_uppercase()))
        .collect();
    let mut c = airsign();
    c.arg("ur-decode");
    let out = run_with_stdin(c, scanned.as_bytes());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.stdout, batch);
    let mut c = airsign();
    c.arg("ur-decode");
    let out = run_with_stdin(c, format!("{}\n", kept[1]).as_bytes());
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    // Too few parts are an error, not a partial payload.
    assert!(airsign::render::ur::decode(kept.iter().take(count / 2).copied()).is_err());
    // Deterministic, and the fragment size is adjustable.
    assert_eq!(render(&["--format", "ur"], &batch).stdout, text.as_bytes());
    let small = render(
        &["--format", "ur", "--fragment-size", "50", "--parts", "5000"],
        &batch,
    );
    let small = String::from_utf8(small.stdout).unwrap();
    assert_eq!(small.lines().count(), 5000);
    assert!(
        small
            .lines()
            .all(|p| p.len() < text.lines().next().unwrap().len())
    );
    eprintln!(
        "100 envelopes, {} bytes: {count} fragments of 200 bytes, {} parts printed",
        batch.len(),
        parts.len()
    );
}

#[test]
fn ur_frames_as_pngs_decode_to_the_parts() {
    // Ten envelopes: encoding hundreds of frames is slow in a debug build.
    let all = batch_of_100();
    let batch: Vec<u8> = all
        .split_inclusive(|&b| b == b'\n')
        .take(10)
        .flatten()
        .copied()
        .collect();
    let text = String::from_utf8(render(&["--format", "ur"], &batch).stdout).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("frames");
    let out = render(
        &["--format", "ur", "--out", out_dir.to_str().unwrap()],
        &batch,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let parts: Vec<&str> = text.lines().collect();
    assert_eq!(std::fs::read_dir(&out_dir).unwrap().count(), parts.len());
    // A sample of frames (decoding all in a debug build is slow): first, middle, last.
    for i in [0, parts.len() / 2, parts.len() - 1] {
        let png = std::fs::read(out_dir.join(format!("{:06}.png", i + 1))).unwrap();
        // Upper case (QR alphanumeric mode), as UR wallets show parts.
        let part = parts[i].to_ascii_uppercase();
        assert_eq!(decode_png(&png), part.as_bytes(), "frame {}", i + 1);
        assert_eq!(
            airsign::render::ur::decode([part.as_str()]).is_err(),
            parts.len() > 1
        );
    }
}

#[test]
fn bad_lines_are_named_and_the_others_rendered() {
    let signed = signed_vector_envelopes();
    let good = &signed[0].2;
    let err = r#"{"airsign":1,"line":2,"error":{"code":"params.missing","field":"params.order_id","message":"missing; expected an integer"}}"#;
    let input = format!("{good}\n{err}\nnot json\n\n{good}\n");
    let out = render(&["--format", "curl"], input.as_bytes());
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("line 2: ") && stderr.contains("params.missing"),
        "{stderr}"
    );
    assert!(stderr.contains("line 3: "), "{stderr}");
    assert!(stderr.contains("2 rendered, 2 not rendered"), "{stderr}");
    let script = String::from_utf8(out.stdout).unwrap();
    assert!(
        script.starts_with("# 1: ") && script.contains("\n# 5: "),
        "{script}"
    );
    // ur takes the whole input or nothing.
    let out = render(&["--format", "ur"], input.as_bytes());
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    // qr files are numbered by input line: line 2 and 3 have none.
    let dir = tempfile::tempdir().unwrap();
    let out = render(
        &[
            "--format",
            "qr",
            "--out",
            dir.path().join("q").to_str().unwrap(),
        ],
        input.as_bytes(),
    );
    assert_eq!(out.status.code(), Some(1));
    let mut names: Vec<String> = std::fs::read_dir(dir.path().join("q"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["000001.png", "000005.png"]);
    // A non-empty --out directory is refused (I/O, exit 3), so old files never mix in.
    let out = render(
        &[
            "--format",
            "qr",
            "--out",
            dir.path().join("q").to_str().unwrap(),
        ],
        input.as_bytes(),
    );
    assert_eq!(out.status.code(), Some(3));
    // A line too long for one code is named, with what to do instead.
    let mut big = parse(good);
    big.body = Some("x".repeat(3000));
    let out = render(
        &[
            "--format",
            "qr",
            "--out",
            dir.path().join("big").to_str().unwrap(),
        ],
        (big.to_json_line() + "\n").as_bytes(),
    );
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("line 1: ")
            && stderr.contains("at most 2331 bytes")
            && stderr.contains("--format ur"),
        "{stderr}"
    );
    // A body with a NUL byte cannot be a shell word: curl refuses it, http carries it.
    let mut nul = parse(good);
    nul.body = Some("a\u{0}b".into());
    let line = nul.to_json_line() + "\n";
    let out = render(&["--format", "curl"], line.as_bytes());
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("NUL"));
    let out = render(&["--format", "http"], line.as_bytes());
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.ends_with(b"\r\n\r\na\0b"));
    // An unreadable input is an I/O error; a line that is no UR part is refused.
    let out = render(&["--format", "curl", "/nonexistent/envelopes.ndjson"], b"");
    assert_eq!(out.status.code(), Some(3));
    let mut c = airsign();
    c.arg("ur-decode");
    let out = run_with_stdin(c, b"hello\n");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("part 1: expected a ur:bytes"));
    // A header that would split into two is not rendered.
    let mut split = parse(good);
    split
        .headers
        .0
        .push(("X-Evil".into(), "a\r\nHost: elsewhere".into()));
    for format in ["curl", "http"] {
        let out = render(
            &["--format", format],
            (split.to_json_line() + "\n").as_bytes(),
        );
        assert_eq!(out.status.code(), Some(1));
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn render_knows_no_venue() {
    // The render code is generic over the envelope's fields: no venue name in it.
    let dir = root().join("crates/airsign/src/render");
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path)
            .unwrap()
            .to_lowercase()
            .replace("#[derive(", "");
        for venue in [
            "pacifica",
            "derive",
            "mobula",
            "ripio",
            "layer1",
            "hyperliquid",
        ] {
            assert!(!text.contains(venue), "{} names {venue}", path.display());
        }
    }
    let _ = Path::new("");
}

/// A small deterministic generator (xorshift64*), so the random envelopes are the same on
/// every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn text(&mut self, alphabet: &[char], max: usize) -> String {
        let n = self.below(max + 1);
        (0..n)
            .map(|_| alphabet[self.below(alphabet.len())])
            .collect()
    }
}

#[test]
fn random_bytes_survive_the_shell_quoting() {
    // Everything a shell or curl might read specially, and text beyond ASCII.
    let mut hostile: Vec<char> =
        "'\"\\$`!*?[]{}~#;&|<>() \t%@=,:/^-+aZ09\u{e9}\u{20ac}\u{1f600}\u{2028}"
            .chars()
            .collect();
    let mut body_chars = hostile.clone();
    body_chars.extend(['\n', '\r', '\u{1}', '\u{1f}', '\u{7f}']);
    hostile.retain(|c| *c != '\t');
    let token: Vec<char> = "abcXYZ019!#$%&'*+-.^_`|~".chars().collect();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut envs = Vec::new();
    for i in 0..48 {
        let mut headers = Vec::new();
        for _ in 0..rng.below(4) {
            let name = format!("X-{}", rng.text(&token, 8));
            // No leading or trailing blank: HTTP does not carry them as part of a value.
            let value = format!("v{}v", rng.text(&hostile, 24));
            headers.push((name, value));
        }
        let body = (rng.below(4) != 0).then(|| rng.text(&body_chars, 64));
        let method = ["POST", "DELETE", "PUT", "PATCH", "GET"][rng.below(5)];
        envs.push(Envelope {
            airsign: 1,
            venue: "test".into(),
            action: format!("random-{i}"),
            transport: airsign_core::Transport::Rest,
            method: Some(method.into()),
            url: format!(
                "https://example.invalid/p/{i}?q={}",
                rng.text(&token, 6).replace(['#', '%'], "")
            ),
            headers: airsign_core::Headers(headers),
            body,
            login: None,
            signer: None,
            signed: Vec::new(),
            expires_at: None,
        });
    }
    let (authority, server) = serve(envs.len());
    let input: String = envs
        .iter()
        .map(|e| pointed_at(e, &authority).to_json_line() + "\n")
        .collect();
    let out = render(&["--format", "curl"], input.as_bytes());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("send.sh");
    std::fs::write(&file, &out.stdout).unwrap();
    let run = Command::new("sh").arg(&file).output().unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let got = server.join().unwrap();
    for (e, g) in envs.iter().zip(&got) {
        assert_exact(&pointed_at(e, &authority), &authority, g, &e.action);
    }
}
