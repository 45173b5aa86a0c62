//! `airsign`: builds canonical, signed cancel requests offline and prints them as
//! ready-to-send JSON envelopes. It never opens a network connection.

use std::io::{self, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use airsign::{BatchOptions, Outcome, run_batch, sign_request, verify_line};
use airsign_core::verify::VerifyOptions;
use airsign_core::{Context, Error, ErrorCode, RandomIds, SystemClock};
use airsign_keys::{
    FilePolicy, Keyring, LoadOptions, Policy, Scheme, prompt_on_tty, read_password_file,
    read_single_key,
};
use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};

mod cli_docs;

const EXIT_CODES: &str = "\
Exit codes:
  0  every request signed
  1  at least one request refused (bad input, bad key, policy)
  2  usage error
  3  I/O error (unreadable file); a closed stdout is not an error";

const VERIFY_EXIT_CODES: &str = "\
Exit codes:
  0  no envelope failed (each is ok or unverifiable)
  1  at least one envelope failed
  2  usage error
  3  I/O error (unreadable file)";

/// Builds canonical, signed cancel requests for crypto venues offline and prints them as
/// ready-to-send JSON envelopes (one per line on stdout; messages for people on stderr).
/// airsign never touches a network: a separate program carries its output to the venue.
#[derive(Parser, Debug)]
#[command(name = "airsign", version, after_help = EXIT_CODES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Sign one request (a JSON object from a file or stdin) and print one envelope.
    #[command(after_help = "Example:\n  airsign sign --key-file examples/TEST-KEY-readme.json examples/cancel-order.json\n\n".to_owned() + EXIT_CODES)]
    Sign {
        #[command(flatten)]
        keys: KeyArgs,
        /// The request file; `-` or nothing reads stdin.
        request: Option<PathBuf>,
    },
    /// Sign newline-delimited requests from stdin: output line N answers input line N.
    #[command(after_help = "Example:\n  airsign batch --key-file key.json < requests.ndjson > envelopes.ndjson\n\n".to_owned() + EXIT_CODES)]
    Batch {
        #[command(flatten)]
        keys: KeyArgs,
        /// Stop after the first refused line (its error is still printed).
        #[arg(long)]
        fail_fast: bool,
        /// Signing threads (default: one per core). Output order never depends on it.
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=1024))]
        jobs: Option<u16>,
    },
    /// Check every signature in envelopes offline (one JSON envelope, or NDJSON).
    ///
    /// Prints one result line per envelope: "ok", "unverifiable" (nothing failed but
    /// something cannot be checked: a bearer token, an HMAC without --key-file) or
    /// "failed" with an error. The signed bytes are re-derived from the body, url and
    /// headers, never taken from the envelope's "signed" field.
    #[command(after_help = "Example:\n  airsign sign --key-file examples/TEST-KEY-readme.json examples/cancel-order.json | airsign verify\n\n".to_owned() + VERIFY_EXIT_CODES)]
    Verify {
        #[command(flatten)]
        keys: KeyArgs,
        /// The envelope file; `-` or nothing reads stdin.
        envelopes: Option<PathBuf>,
    },
    /// Print the account (ed25519, base58) or address (secp256k1, EIP-55) of a key file.
    #[command(after_help = "Example:\n  airsign pubkey --key-file examples/TEST-KEY-readme.json\n\n".to_owned() + EXIT_CODES)]
    Pubkey {
        #[command(flatten)]
        keys: KeyArgs,
    },
    /// Print the manual page (roff) on stdout, generated from the same definitions as --help.
    #[command(after_help = "Example:\n  airsign man > airsign.1 && man ./airsign.1")]
    Man,
    /// Print a shell completion script on stdout.
    #[command(
        after_help = "Example:\n  airsign completions bash > /usr/share/bash-completion/completions/airsign"
    )]
    Completions {
        /// The shell to complete for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

#[derive(Args, Debug)]
struct KeyArgs {
    /// One key file (never the key itself). Falls back to $AIRSIGN_KEY_FILE.
    #[arg(
        long,
        value_name = "PATH",
        env = "AIRSIGN_KEY_FILE",
        conflicts_with = "keyring"
    )]
    key_file: Option<PathBuf>,
    /// The key file's scheme, fixed before any request is read. Required for hex keys
    /// (an ed25519 seed or a secp256k1 key), HMAC secrets and bearer tokens; a Solana
    /// keypair or an Ethereum keystore says its own.
    #[arg(long, value_enum, requires = "key_file")]
    scheme: Option<SchemeArg>,
    /// A file holding a keystore's password. Falls back to $AIRSIGN_PASSWORD_FILE.
    #[arg(long, value_name = "PATH", env = "AIRSIGN_PASSWORD_FILE")]
    password_file: Option<PathBuf>,
    /// A keyring: many keys, each bound to its venues and identity, and the signing
    /// policy (JSON). Falls back to $AIRSIGN_KEYRING.
    #[arg(long, value_name = "PATH", env = "AIRSIGN_KEYRING")]
    keyring: Option<PathBuf>,
    /// Allow requests to send to this base URL (repeatable); verify accepts envelopes for
    /// it besides the venues' own hosts. A request's base_url is refused otherwise.
    #[arg(long, value_name = "URL")]
    base_url: Vec<String>,
    /// Refuse key files that group or others may read (default: warn).
    #[arg(long)]
    strict_permissions: bool,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum SchemeArg {
    /// ed25519 (Pacifica): a 32-byte hex seed.
    Ed25519,
    /// secp256k1 (Derive, Mobula): a hex private key.
    Secp256k1,
    /// An HMAC API secret (Ripio Trade), as text.
    Hmac,
    /// A bearer token (Layer1), as text.
    Bearer,
}

impl SchemeArg {
    fn scheme(self) -> Scheme {
        match self {
            Self::Ed25519 => Scheme::Ed25519,
            Self::Secp256k1 => Scheme::Secp256k1,
            Self::Hmac => Scheme::Hmac,
            Self::Bearer => Scheme::Bearer,
        }
    }
}

fn main() -> ExitCode {
    // Before anything reads a key: a crash must not write key bytes to disk. Where the OS
    // refuses, airsign signs anyway (README, "Core dumps").
    let _ = airsign::disable_core_dumps();
    let cli = Cli::parse();
    ExitCode::from(run(cli))
}

/// Prints an error object on stdout (machine) and a line on stderr (people).
fn report(e: &Error, line: Option<u64>) -> u8 {
    eprintln!("airsign: {e}");
    let mut out = io::stdout().lock();
    let _ = writeln!(out, "{}", e.to_json_line(line)).and_then(|()| out.flush());
    u8::try_from(e.code().exit_code()).unwrap_or(1)
}

fn warn(w: &str) {
    eprintln!("airsign: warning: {w}");
}

/// The run's keys, fixed before any request is read: one key file of one scheme, or a
/// keyring; `--base-url` widens the policy's hosts either way.
fn load_keys(args: &KeyArgs) -> Result<Keyring, Error> {
    let policy = if args.strict_permissions {
        FilePolicy::Strict
    } else {
        FilePolicy::Warn
    };
    let mut keyring = if let Some(path) = &args.keyring {
        if args.password_file.is_some() {
            return Err(Error::new(
                ErrorCode::KeyInvalid,
                Some("password_file"),
                "with --keyring, each keystore key names its own password_file in the \
                 keyring (or is asked for on the terminal): drop --password-file",
            ));
        }
        let opts = LoadOptions {
            file_policy: policy,
            warn: std::sync::Arc::new(warn),
        };
        Keyring::load(path, &airsign::venue_names(), &opts)?
    } else if let Some(path) = &args.key_file {
        let (key, warning) = read_single_key(path, args.scheme.map(SchemeArg::scheme), policy)?;
        if let Some(w) = &warning {
            warn(w);
        }
        // The password is only asked for if a request meets an encrypted keystore: from
        // the password file when one is named, else on the terminal (never stdin, which
        // may carry the requests); with neither, the request fails at once.
        let key = match &args.password_file {
            Some(pw_path) => {
                let pw_path = pw_path.clone();
                key.with_password_source(move || {
                    let f = read_password_file(&pw_path, policy)?;
                    if let Some(w) = &f.warning {
                        warn(w);
                    }
                    Ok(f.password)
                })
            }
            None => {
                let prompt = format!("airsign: password for keystore {}: ", path.display());
                key.with_password_source(move || prompt_on_tty(&prompt))
            }
        };
        Keyring::single(key, Policy::new())
    } else {
        Keyring::empty()
    };
    for url in &args.base_url {
        keyring.policy_mut().allow_base_url(url).map_err(|e| {
            Error::new(
                e.code(),
                Some("--base-url"),
                e.message().replacen("an allowed base URL", "--base-url", 1),
            )
        })?;
    }
    Ok(keyring)
}

fn run(cli: Cli) -> u8 {
    let clock = SystemClock;
    let ids = RandomIds;
    let ctx = Context {
        clock: &clock,
        ids: &ids,
    };
    match cli.command {
        Command::Sign { keys, request } => {
            let keyring = match load_keys(&keys) {
                Ok(k) => k,
                Err(e) => return report(&e, None),
            };
            let text = match read_request(request.as_deref()) {
                Ok(t) => t,
                Err(e) => return report(&e, None),
            };
            match sign_request(&text, &keyring, &ctx) {
                Ok(env) => {
                    let mut out = io::stdout().lock();
                    // A closed stdout is not an error (docs/format.md, "Exit codes").
                    let _ = writeln!(out, "{}", env.to_json_line()).and_then(|()| out.flush());
                    0
                }
                Err(e) => report(&e, None),
            }
        }
        Command::Batch {
            keys,
            fail_fast,
            jobs,
        } => {
            let keyring = match load_keys(&keys) {
                Ok(k) => k,
                Err(e) => return report(&e, None),
            };
            // Stdin and stdout themselves (not their locks) are Send: every batch worker
            // reads its own chunks and writes the answers that are next in line.
            let input = io::stdin();
            let stdout = io::stdout();
            let mut opts = BatchOptions {
                fail_fast,
                ..BatchOptions::default()
            };
            if let Some(n) = jobs {
                opts.jobs = usize::from(n);
            }
            // No buffer of our own: batch writes whole chunks of answers, each ending at a
            // line break, which stdout's line buffering passes straight to the descriptor.
            match run_batch(input, stdout, &keyring, &ctx, opts) {
                Ok(s) => {
                    if s.refused > 0 {
                        eprintln!(
                            "airsign: {} signed, {} refused{}",
                            s.signed,
                            s.refused,
                            if s.stopped_early {
                                " (stopped early)"
                            } else {
                                ""
                            }
                        );
                        1
                    } else {
                        0
                    }
                }
                Err(e) => report(
                    &Error::new(ErrorCode::Io, None, format!("batch I/O failed: {e}")),
                    None,
                ),
            }
        }
        Command::Verify { keys, envelopes } => {
            let keyring = match load_keys(&keys) {
                Ok(k) => k,
                Err(e) => return report(&e, None),
            };
            let opts = VerifyOptions {
                base_urls: keyring.policy().base_urls().to_vec(),
                now_ms: ctx.clock.now_ms(),
            };
            match verify_input(envelopes.as_deref(), &keyring, &opts) {
                Ok(counts) => {
                    eprintln!(
                        "airsign: {} ok, {} unverifiable, {} failed",
                        counts[0], counts[1], counts[2]
                    );
                    u8::from(counts[2] > 0)
                }
                Err(e) => report(&e, None),
            }
        }
        Command::Pubkey { keys } => {
            if keys.key_file.is_none() {
                eprintln!("airsign: pubkey needs --key-file PATH (or AIRSIGN_KEY_FILE)");
                return 2;
            }
            let keyring = match load_keys(&keys) {
                Ok(k) => k,
                Err(e) => return report(&e, None),
            };
            let Some(key) = keyring.keys().first() else {
                return 2;
            };
            match key.address() {
                Ok(Some(a)) => {
                    let line = serde_json::json!({
                        "airsign": 1,
                        "scheme": key.scheme().as_str(),
                        "address": a,
                    });
                    let mut out = io::stdout().lock();
                    let _ = writeln!(out, "{line}").and_then(|()| out.flush());
                    0
                }
                Ok(None) => report(
                    &Error::new(
                        ErrorCode::KeySchemeMismatch,
                        Some("scheme"),
                        format!(
                            "a {} key has no public key to print (pubkey takes ed25519 and \
                             secp256k1 keys)",
                            key.scheme()
                        ),
                    ),
                    None,
                ),
                Err(e) => report(&e, None),
            }
        }
        Command::Man => cli_docs::print_man(Cli::command()),
        Command::Completions { shell } => cli_docs::print_completions(shell, Cli::command()),
    }
}

/// Reads envelopes and prints one result line each; returns [ok, unverifiable, failed].
///
/// NDJSON is streamed line by line. When the first non-blank line is not a JSON document
/// by itself, the whole input is taken as one (pretty-printed) envelope instead.
fn verify_input(
    path: Option<&std::path::Path>,
    keys: &Keyring,
    opts: &VerifyOptions,
) -> Result<[u64; 3], Error> {
    use std::io::BufRead;
    let name = path.map_or_else(|| "stdin".to_owned(), |p| p.display().to_string());
    let io_err = |e: io::Error| {
        Error::new(
            ErrorCode::Io,
            None,
            format!("cannot read envelopes from {name}: {e}"),
        )
    };
    let reader: Box<dyn BufRead> = match path {
        Some(p) if p.as_os_str() != "-" => {
            Box::new(io::BufReader::new(std::fs::File::open(p).map_err(io_err)?))
        }
        _ => Box::new(io::BufReader::new(io::stdin())),
    };
    let mut reader = reader.take(MAX_VERIFY_BYTES);
    let mut out = io::BufWriter::new(io::stdout().lock());
    let mut counts = [0u64; 3];
    let mut emit = |line_no: u64, raw: &[u8], counts: &mut [u64; 3]| -> bool {
        let (line, outcome) = verify_line(line_no, raw, keys, opts);
        counts[match outcome {
            Outcome::Ok => 0,
            Outcome::Unverifiable => 1,
            Outcome::Failed => 2,
        }] += 1;
        // A closed stdout is not an error (docs/format.md, "Exit codes"): stop quietly.
        writeln!(out, "{line}").and_then(|()| out.flush()).is_ok()
    };
    let mut buf = Vec::new();
    let mut line_no = 0u64;
    let mut first = true;
    loop {
        buf.clear();
        if reader.read_until(b'\n', &mut buf).map_err(io_err)? == 0 {
            break;
        }
        line_no += 1;
        let raw = buf.strip_suffix(b"\n").unwrap_or(&buf);
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        if raw.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        if first {
            first = false;
            let whole_line = serde_json::from_slice::<serde_json::Value>(raw).is_ok();
            if !whole_line {
                // One pretty-printed envelope: the rest of the input belongs to it.
                let mut doc = raw.to_vec();
                doc.push(b'\n');
                reader.read_to_end(&mut doc).map_err(io_err)?;
                emit(line_no, &doc, &mut counts);
                return Ok(counts);
            }
        }
        if !emit(line_no, raw, &mut counts) {
            break;
        }
    }
    if counts == [0, 0, 0] {
        return Err(Error::new(
            ErrorCode::EnvelopeMalformed,
            None,
            format!("expected at least one envelope in {name}, saw none"),
        ));
    }
    Ok(counts)
}

/// Most input `verify` reads (1 GiB): a guard against an endless stream, far above any
/// kill-switch batch.
const MAX_VERIFY_BYTES: u64 = 1 << 30;

/// Largest single request `sign` reads: far above any real cancel.
const MAX_REQUEST_BYTES: u64 = 16 * 1024 * 1024;

fn read_request(path: Option<&std::path::Path>) -> Result<String, Error> {
    let mut buf = Vec::new();
    let res = match path {
        None => io::stdin()
            .lock()
            .take(MAX_REQUEST_BYTES + 1)
            .read_to_end(&mut buf),
        Some(p) if p.as_os_str() == "-" => io::stdin()
            .lock()
            .take(MAX_REQUEST_BYTES + 1)
            .read_to_end(&mut buf),
        Some(p) => {
            std::fs::File::open(p).and_then(|f| f.take(MAX_REQUEST_BYTES + 1).read_to_end(&mut buf))
        }
    };
    let name = path.map_or_else(|| "stdin".to_owned(), |p| p.display().to_string());
    res.map_err(|e| {
        Error::new(
            ErrorCode::Io,
            None,
            format!("cannot read request from {name}: {e}"),
        )
    })?;
    if buf.len() as u64 > MAX_REQUEST_BYTES {
        return Err(Error::new(
            ErrorCode::RequestMalformed,
            None,
            format!("request from {name} is larger than {MAX_REQUEST_BYTES} bytes"),
        ));
    }
    String::from_utf8(buf)
        .map_err(|e| Error::not_utf8(ErrorCode::RequestMalformed, &e.utf8_error()))
}
