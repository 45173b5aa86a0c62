//! `airsign`: builds canonical, signed cancel requests offline and prints them as
//! ready-to-send JSON envelopes. It never opens a network connection.

use std::io::{self, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use airsign::{BatchOptions, run_batch, sign_request};
use airsign_core::{Context, Error, ErrorCode, RandomIds, SystemClock};
use airsign_keys::{FilePolicy, KeyFile, Keyring, prompt_on_tty, read_password_file};
use clap::{Args, Parser, Subcommand, ValueEnum};

const EXIT_CODES: &str = "\
Exit codes:
  0  every request signed
  1  at least one request refused (bad input, bad key)
  2  usage error
  3  I/O error (unreadable file); a closed stdout is not an error";

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
    /// Print the account (ed25519, base58) or address of a key file.
    #[command(after_help = "Example:\n  airsign pubkey --key-file examples/TEST-KEY-readme.json --scheme ed25519\n\n".to_owned() + EXIT_CODES)]
    Pubkey {
        #[command(flatten)]
        keys: KeyArgs,
        /// The key's signature scheme.
        #[arg(long, value_enum)]
        scheme: Scheme,
    },
}

#[derive(Args, Debug)]
struct KeyArgs {
    /// The key file (never the key itself). Falls back to $AIRSIGN_KEY_FILE.
    #[arg(long, value_name = "PATH", env = "AIRSIGN_KEY_FILE")]
    key_file: Option<PathBuf>,
    /// A file holding a keystore's password. Falls back to $AIRSIGN_PASSWORD_FILE.
    #[arg(long, value_name = "PATH", env = "AIRSIGN_PASSWORD_FILE")]
    password_file: Option<PathBuf>,
    /// Refuse key files that group or others may read (default: warn).
    #[arg(long)]
    strict_permissions: bool,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum Scheme {
    /// Solana-style ed25519 (Pacifica).
    Ed25519,
    /// Ethereum secp256k1 (Derive, Mobula).
    Secp256k1,
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

fn load_keys(args: &KeyArgs) -> Result<Keyring, Error> {
    let Some(path) = &args.key_file else {
        return Ok(Keyring::empty());
    };
    let policy = if args.strict_permissions {
        FilePolicy::Strict
    } else {
        FilePolicy::Warn
    };
    let file = KeyFile::read(path, policy)?;
    if let Some(w) = &file.warning {
        eprintln!("airsign: warning: {w}");
    }
    // The password is only asked for if a secp256k1 venue meets an encrypted keystore:
    // from the password file when one is named, else on the terminal (never stdin, which
    // may carry the requests); with neither, the keyring's request fails at once.
    let keyring = Keyring::new(file.bytes);
    Ok(match &args.password_file {
        Some(pw_path) => {
            let pw_path = pw_path.clone();
            keyring.with_password_source(move || {
                let f = read_password_file(&pw_path, policy)?;
                if let Some(w) = &f.warning {
                    eprintln!("airsign: warning: {w}");
                }
                Ok(f.password)
            })
        }
        None => {
            let prompt = format!("airsign: password for keystore {}: ", path.display());
            keyring.with_password_source(move || prompt_on_tty(&prompt))
        }
    })
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
                    // A closed stdout is not an error (CONTRACT.md §3).
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
            // Stdin itself (not its lock) is Send: the batch reader runs on its own thread.
            let input = io::stdin();
            let stdout = io::stdout().lock();
            let mut opts = BatchOptions {
                fail_fast,
                ..BatchOptions::default()
            };
            if let Some(n) = jobs {
                opts.jobs = usize::from(n);
            }
            let stdout = io::BufWriter::with_capacity(1 << 16, stdout);
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
        Command::Pubkey { keys, scheme } => {
            if keys.key_file.is_none() {
                eprintln!("airsign: pubkey needs --key-file PATH (or AIRSIGN_KEY_FILE)");
                return 2;
            }
            let keyring = match load_keys(&keys) {
                Ok(k) => k,
                Err(e) => return report(&e, None),
            };
            let address = match scheme {
                Scheme::Ed25519 => keyring.ed25519().map(|s| s.address().to_owned()),
                Scheme::Secp256k1 => keyring.secp256k1().map(|s| s.address().to_checksum()),
            };
            match address {
                Ok(a) => {
                    let scheme = match scheme {
                        Scheme::Ed25519 => "ed25519",
                        Scheme::Secp256k1 => "secp256k1",
                    };
                    let line = serde_json::json!({"airsign": 1, "scheme": scheme, "address": a});
                    let mut out = io::stdout().lock();
                    let _ = writeln!(out, "{line}").and_then(|()| out.flush());
                    0
                }
                Err(e) => report(&e, None),
            }
        }
    }
}

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
    String::from_utf8(buf).map_err(|e| {
        Error::new(
            ErrorCode::RequestMalformed,
            None,
            format!(
                "expected UTF-8 text, saw an invalid byte at offset {}",
                e.utf8_error().valid_up_to()
            ),
        )
    })
}
