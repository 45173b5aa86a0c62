//! `airsign`: builds canonical, signed cancel requests offline and prints them as
//! ready-to-send JSON envelopes. It never opens a network connection.

use std::io::{self, Read};
use std::path::PathBuf;
use std::process::ExitCode;

use airsign::clock::{HostClock, WindowWatch, parse_ms, short_window_warning};
use airsign::output::{self, Written};
use airsign::render::{self, EcLevel, Format, RenderOptions};
use airsign::{
    BatchOptions, LineAnswerer, MAX_LINE_BYTES, Outcome, run_batch, sign_request, verify_line,
};
use airsign_core::verify::VerifyOptions;
use airsign_core::{Clock, Context, Error, ErrorCode, FixedClock, RandomIds};
use airsign_keys::{
    FilePolicy, Keyring, LoadOptions, Policy, Scheme, prompt_on_tty, read_password_file,
    read_single_key,
};
use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};

mod cli_docs;

/// Every message for people goes through [`output::stderr_line`]: std's `eprintln!`
/// panics when stderr cannot be written (`2>/dev/full`); this one, shadowing it in this
/// file, never does and records the failure for the exit code.
macro_rules! eprintln {
    ($($arg:tt)*) => {
        output::stderr_line(format_args!($($arg)*))
    };
}

const EXIT_CODES: &str = "\
Exit codes:
  0  every request signed
  1  at least one request refused (bad input, bad key, policy)
  2  usage error
  3  I/O error: an unreadable file, or stdout or stderr cannot be written (a full
     disk); a closed stdout is not an error
  129, 130, 143  batch stopped by SIGHUP, SIGINT, SIGTERM (128 + the signal): the lines
     read so far are answered whole, then a summary on stderr";

const RENDER_EXIT_CODES: &str = "\
Exit codes:
  0  every envelope rendered
  1  at least one line not rendered (an error line from batch, not an envelope, more
     than its format can carry); each is named with its line number on stderr
  2  usage error
  3  I/O error (unreadable input, unwritable or non-empty --out directory)";

const VERIFY_EXIT_CODES: &str = "\
Exit codes:
  0  no envelope failed (each is ok or unverifiable)
  1  at least one envelope failed
  2  usage error
  3  I/O error: an unreadable file, or stdout or stderr cannot be written";

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
        #[command(flatten)]
        now: NowArg,
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
        #[command(flatten)]
        now: NowArg,
    },
    /// Check every signature in envelopes offline (one JSON envelope, or NDJSON).
    ///
    /// Prints one result line per envelope: "ok", "unverifiable" (nothing failed but
    /// something cannot be checked: a bearer token, an HMAC without --key-file) or
    /// "failed" with an error. The signed bytes are re-derived from the body, url and
    /// headers, never taken from the envelope's "signed" field.
    #[command(after_help = "Example:\n  airsign sign --key-file examples/TEST-KEY-readme.json examples/cancel-order.json | airsign verify --at 1748970123456\n\n".to_owned() + VERIFY_EXIT_CODES)]
    Verify {
        #[command(flatten)]
        keys: KeyArgs,
        /// Verifying threads (default: one per core). Output order never depends on it.
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=1024))]
        jobs: Option<u16>,
        /// Check `expires_at` (and token expiry) as of this time, in ms since the Unix
        /// epoch, instead of the host clock: when the envelope will be sent.
        #[arg(long, value_name = "MS", value_parser = parse_ms)]
        at: Option<u64>,
        /// The envelope file; `-` or nothing reads stdin.
        envelopes: Option<PathBuf>,
    },
    /// Print the account (ed25519, base58) or address (secp256k1, EIP-55) of a key file.
    #[command(after_help = "Example:\n  airsign pubkey --key-file examples/TEST-KEY-readme.json\n\n".to_owned() + EXIT_CODES)]
    Pubkey {
        #[command(flatten)]
        keys: KeyArgs,
    },
    /// Stop a request after its payloads, for a key on a device or in an HSM: print the
    /// request exactly as it will be signed (timestamp and id fixed) and what to sign.
    ///
    /// The signer is named by its public identity (`--signer` with `--scheme`), or is a
    /// keyring key of scheme "external"; the policy is checked as for `sign`. Each payload
    /// carries its message (text and hex) and, for secp256k1, the 32-byte digest an HSM
    /// signs (EIP-712: also the domain and struct hashes a Ledger shows).
    #[command(after_help = "Example:\n  airsign prepare --signer 0x52908400098527886E0F7030069857D2E4169EE7 --scheme secp256k1 request.json > prepared.json\n\n".to_owned() + EXIT_CODES)]
    Prepare {
        #[command(flatten)]
        signer: SignerArgs,
        #[command(flatten)]
        now: NowArg,
        /// The request file; `-` or nothing reads stdin.
        request: Option<PathBuf>,
    },
    /// Resume a prepared request with signatures made outside airsign and print the
    /// envelope, byte-identical to what `sign` prints with the same key.
    ///
    /// Every signature is checked against its payload's signer before anything is printed.
    /// ed25519: base58, hex or base64; secp256k1: 65-byte r||s||v hex (v 27/28 or 0/1), or
    /// DER as hex or base64 (low-s normalised, recovery id found by recovery).
    #[command(after_help = "Example:\n  airsign assemble --signature \"$(cat signature.txt)\" prepared.json\n\n".to_owned() + EXIT_CODES)]
    Assemble {
        /// A signature, one per payload, in payload order (repeat the flag).
        #[arg(long = "signature", value_name = "SIG")]
        signatures: Vec<String>,
        /// A keyring whose policy the prepared request must pass again (else the default
        /// policy: cancels only, no foreign hosts).
        #[arg(long, value_name = "PATH", env = "AIRSIGN_KEYRING")]
        keyring: Option<PathBuf>,
        /// Allow a prepared request's base_url (repeatable).
        #[arg(long, value_name = "URL")]
        base_url: Vec<String>,
        /// The prepared file; `-` or nothing reads stdin.
        prepared: Option<PathBuf>,
    },
    /// Show what a request will sign before approving it: venue, action, endpoint, the
    /// exact bytes each signature covers, what no signature covers and what that means,
    /// the validity window, the signer and the policy decision.
    ///
    /// A key is optional (a key file, a keyring, or `--signer`): without one, the bytes
    /// are shown where they do not depend on the signer. Prints one JSON object, or text
    /// with --text.
    #[command(after_help = "Example:\n  airsign explain --text examples/cancel-order.json\n\n".to_owned() + EXIT_CODES)]
    Explain {
        #[command(flatten)]
        keys: KeyArgs,
        /// The signer's public identity instead of a key: an Ethereum address or a base58
        /// ed25519 public key.
        #[arg(long, value_name = "ID", conflicts_with_all = ["key_file", "keyring"])]
        signer: Option<String>,
        /// Print text for a person instead of JSON.
        #[arg(long)]
        text: bool,
        #[command(flatten)]
        now: NowArg,
        /// The request file; `-` or nothing reads stdin.
        request: Option<PathBuf>,
    },
    /// Print the venues airsign knows, with their actions, transports and key schemes, as
    /// one JSON object.
    #[command(after_help = "Example:\n  airsign venues | jq '.venues[].name'")]
    Venues,
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
    /// Rebuild envelopes from `ur:bytes` fragments (render --format ur, read back by a QR
    /// scanner): one part per line, in any order, repeats welcome; prints the envelopes
    /// once the payload is whole and stops reading.
    #[command(
        name = "ur-decode",
        after_help = "Example:\n  airsign render --format ur envelopes.ndjson | airsign ur-decode\n\nExit codes:\n  0  the payload was rebuilt\n  1  a part is not a ur:bytes UR, or the parts ran out first\n  2  usage error\n  3  I/O error"
    )]
    UrDecode {
        /// The file of parts; `-` or nothing reads stdin.
        parts: Option<PathBuf>,
    },
    /// Render envelopes for the sending side (curl, raw HTTP, QR codes, UR fragments).
    #[command(after_help = "Example:\n  airsign sign --key-file examples/TEST-KEY-readme.json examples/cancel-order.json | airsign render --format curl\n\n".to_owned() + RENDER_EXIT_CODES)]
    Render(RenderArgs),
}

/// Render envelopes for the sending side: shell commands, raw HTTP, QR codes, or
/// animated-QR fragments.
///
/// Reads envelopes as `batch` prints them (one per line; blank lines skipped) and renders
/// each as it is, judging nothing (`verify` does that). An error line from batch, or a
/// line that is not an envelope, is named on stderr with its line number and not rendered;
/// the other lines are.
#[derive(Args, Debug)]
struct RenderArgs {
    /// curl: a shell command per envelope (curl for rest, websocat for ws); http: the raw
    /// HTTP/1.1 request; qr: a QR code per envelope line; ur: ur:bytes fragments of the
    /// whole input, one per line (any bad line refuses it all).
    #[arg(long, value_enum)]
    format: RenderFormat,
    /// Write one file per envelope in DIR instead of stdout (a new or empty directory):
    /// 000001.sh / .http / .png, numbered by input line; for ur, one PNG per fragment.
    /// qr needs it unless the input holds exactly one envelope (then shown on the terminal).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// QR error correction: l (7 %), m (15 %), q (25 %), h (30 %).
    #[arg(long, value_enum, default_value = "m")]
    ec_level: RenderEc,
    /// ur: most payload bytes per fragment.
    #[arg(long, value_name = "BYTES", default_value_t = render::ur::DEFAULT_FRAGMENT_SIZE as u32,
          value_parser = clap::value_parser!(u32).range(10..=100_000))]
    fragment_size: u32,
    /// ur: fragments to write (default: three times the number the payload splits into,
    /// so a receiver can miss a third of them and still rebuild it).
    #[arg(long, value_name = "N")]
    parts: Option<usize>,
    /// The envelope file; `-` or nothing reads stdin.
    envelopes: Option<PathBuf>,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum RenderFormat {
    /// A POSIX shell command per envelope: curl for rest, websocat for ws.
    Curl,
    /// The raw HTTP/1.1 request of each rest envelope.
    Http,
    /// A QR code per envelope line.
    Qr,
    /// ur:bytes fragments of the whole input, for an animated QR code.
    Ur,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum RenderEc {
    /// About 7 % of the code may be lost.
    L,
    /// About 15 % (the default).
    M,
    /// About 25 %.
    Q,
    /// About 30 %.
    H,
}

#[derive(Args, Debug)]
struct NowArg {
    /// Take "now" from this value (ms since the Unix epoch) instead of the host clock, for
    /// requests without a `timestamp`. Without it, a host clock that reads earlier than
    /// this build of airsign is refused (clock.before_build).
    #[arg(long, value_name = "MS", value_parser = parse_ms)]
    now: Option<u64>,
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

#[derive(Args, Debug)]
struct SignerArgs {
    /// The external signer's public identity: an Ethereum address (secp256k1) or a base58
    /// ed25519 public key.
    #[arg(
        long,
        value_name = "ID",
        requires = "signer_scheme",
        conflicts_with = "keyring"
    )]
    signer: Option<String>,
    /// The signer's scheme.
    #[arg(long = "scheme", id = "signer_scheme", value_enum, requires = "signer")]
    scheme: Option<ExternalScheme>,
    /// A keyring: its key of scheme "external" for the request's venue, and its policy.
    #[arg(long, value_name = "PATH", env = "AIRSIGN_KEYRING")]
    keyring: Option<PathBuf>,
    /// Allow requests to send to this base URL (repeatable).
    #[arg(long, value_name = "URL")]
    base_url: Vec<String>,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum ExternalScheme {
    /// ed25519 (Pacifica): a Ledger's Solana app, an HSM.
    Ed25519,
    /// secp256k1 (Derive, Mobula, Hyperliquid): a Ledger's Ethereum app, an HSM, a KMS.
    Secp256k1,
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
    ExitCode::from(output::exit_code(run(cli)))
}

/// Prints an error object on stdout (machine) and a line on stderr (people).
fn report(e: &Error, line: Option<u64>) -> u8 {
    eprintln!("airsign: {e}");
    match output::stdout_line(&e.to_json_line(line)) {
        Ok(_) => u8::try_from(e.code().exit_code()).unwrap_or(1),
        Err(w) => stdout_failed(&w),
    }
}

/// A write to stdout failed (not a closed pipe: a full disk, an I/O error): the output is
/// lost, so the run is an I/O error.
fn stdout_failed(e: &io::Error) -> u8 {
    eprintln!("airsign: io: cannot write to stdout: {e}");
    3
}

/// Prints one JSON line on stdout: 0 when written or when the reader went away (a closed
/// stdout is not an error), 3 when the write failed.
fn print_line(line: &str) -> u8 {
    match output::stdout_line(line) {
        Ok(Written::Yes | Written::Closed) => 0,
        Err(e) => stdout_failed(&e),
    }
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
    allow_base_urls(&mut keyring, &args.base_url)?;
    Ok(keyring)
}

/// Runs `f` over one request (a file or stdin) with the run's keys and a context whose
/// clock is `--now` or the host's; a key or read error is reported instead.
fn one_request(
    keys: Result<Keyring, Error>,
    request: Option<&std::path::Path>,
    now: &NowArg,
    f: impl FnOnce(&str, &Keyring, &Context<'_>) -> u8,
) -> u8 {
    let clock = signing_clock(now);
    let ids = RandomIds;
    let ctx = Context {
        clock: &*clock,
        ids: &ids,
    };
    let keyring = match keys {
        Ok(k) => k,
        Err(e) => return report(&e, None),
    };
    match read_request(request) {
        Ok(text) => f(&text, &keyring, &ctx),
        Err(e) => report(&e, None),
    }
}

/// The keys of `prepare` (and `explain --signer`): the one external signer named on the
/// command line, or a keyring (its external keys serve; its policy applies).
fn external_keys(args: &SignerArgs) -> Result<Keyring, Error> {
    let Some(id) = &args.signer else {
        return policy_keys(args);
    };
    let signer = airsign_keys::parse_signer("--signer", id)?;
    if let Some(s) = args.scheme {
        let want = match s {
            ExternalScheme::Ed25519 => Scheme::Ed25519,
            ExternalScheme::Secp256k1 => Scheme::Secp256k1,
        };
        if signer.scheme() != Some(want) {
            return Err(Error::new(
                ErrorCode::KeySchemeMismatch,
                Some("--signer"),
                format!("--scheme says {want}, but --signer names a key of another scheme"),
            ));
        }
    }
    let mut keyring = Keyring::single(
        airsign_keys::Key::external("--signer", signer),
        Policy::new(),
    );
    allow_base_urls(&mut keyring, &args.base_url)?;
    Ok(keyring)
}

/// A keyring for its keys and policy (`--keyring`), else no keys and the default policy;
/// `--base-url` widens the hosts either way.
fn policy_keys(args: &SignerArgs) -> Result<Keyring, Error> {
    let mut keyring = match &args.keyring {
        Some(path) => {
            let opts = LoadOptions {
                file_policy: FilePolicy::Warn,
                warn: std::sync::Arc::new(warn),
            };
            Keyring::load(path, &airsign::venue_names(), &opts)?
        }
        None => Keyring::empty(),
    };
    allow_base_urls(&mut keyring, &args.base_url)?;
    Ok(keyring)
}

fn allow_base_urls(keyring: &mut Keyring, urls: &[String]) -> Result<(), Error> {
    for url in urls {
        keyring.policy_mut().allow_base_url(url).map_err(|e| {
            Error::new(
                e.code(),
                Some("--base-url"),
                e.message().replacen("an allowed base URL", "--base-url", 1),
            )
        })?;
    }
    Ok(())
}

/// Envelopes with a short window that `batch` names one by one on stderr; the rest are
/// counted in one line at the end.
const SHORT_WINDOWS_NAMED: u64 = 3;

/// The clock for signing: `--now`, else the host clock (refused before the build date).
fn signing_clock(now: &NowArg) -> Box<dyn Clock> {
    match now.now {
        Some(ms) => Box::new(FixedClock(ms)),
        None => Box::new(HostClock::new()),
    }
}

fn run(cli: Cli) -> u8 {
    let ids = RandomIds;
    match cli.command {
        Command::Sign { keys, now, request } => {
            let clock = signing_clock(&now);
            let ctx = Context {
                clock: &*clock,
                ids: &ids,
            };
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
                    if airsign::short_expiry_window(&text).is_some() {
                        eprintln!(
                            "airsign: {}",
                            airsign::short_expiry_warning("the request has")
                        );
                    }
                    let line = env.to_json_line();
                    if let Some(w) = short_window_warning(line.as_bytes(), clock.now_ms()) {
                        warn(&w);
                    }
                    print_line(&line)
                }
                Err(e) => report(&e, None),
            }
        }
        Command::Batch {
            keys,
            fail_fast,
            jobs,
            now,
        } => {
            let clock = signing_clock(&now);
            let ctx = Context {
                clock: &*clock,
                ids: &ids,
            };
            let keyring = match load_keys(&keys) {
                Ok(k) => k,
                Err(e) => return report(&e, None),
            };
            // Stdin and stdout themselves (not their locks) are Send: every batch worker
            // reads its own chunks and writes the answers that are next in line.
            let input = io::stdin();
            // Each answer line is watched for a window too short to carry across the gap;
            // the first few are named, the rest counted (stderr stays short, so a caller
            // that reads it only at the end never blocks us).
            let short = std::sync::atomic::AtomicU64::new(0);
            let stdout = WindowWatch::new(
                io::stdout(),
                &*clock,
                Box::new(|n, w| {
                    if short.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
                        < SHORT_WINDOWS_NAMED
                    {
                        warn(&format!("line {n}: {w}"));
                    }
                }),
            );
            let mut opts = BatchOptions {
                fail_fast,
                ..BatchOptions::default()
            };
            if let Some(n) = jobs {
                opts.jobs = usize::from(n);
            }
            // No buffer of our own: batch writes whole chunks of answers, each ending at a
            // line break, which stdout's line buffering passes straight to the descriptor.
            // SIGTERM/SIGINT/SIGHUP stop the reading; what was read is answered whole.
            #[cfg(unix)]
            let (result, stop) = match airsign::signals::Stop::install() {
                Ok(stop) => {
                    let input = airsign::signals::StopReader::new(input, &stop);
                    let r =
                        airsign::run_batch_until(input, stdout, &keyring, &ctx, opts, stop.flag());
                    (r, stop.signal())
                }
                Err(e) => {
                    eprintln!(
                        "airsign: warning: cannot handle stop signals ({e}); a signal ends the batch where it is"
                    );
                    (run_batch(input, stdout, &keyring, &ctx, opts), None)
                }
            };
            #[cfg(not(unix))]
            let (result, stop) = (run_batch(input, stdout, &keyring, &ctx, opts), None::<i32>);
            #[cfg(unix)]
            if let (Some(sig), Ok(s)) = (stop, &result) {
                eprintln!(
                    "airsign: stopped by {} after line {}: {} signed, {} refused; later input was not answered",
                    airsign::signals::name(sig),
                    s.signed + s.refused,
                    s.signed,
                    s.refused,
                );
                return airsign::signals::exit_code_for(sig);
            }
            #[cfg(not(unix))]
            let _ = stop;
            let short = short.load(std::sync::atomic::Ordering::Relaxed);
            if short > SHORT_WINDOWS_NAMED {
                warn(&format!(
                    "{short} envelopes in all had less than {} s left before their expires_at \
                     (the first {SHORT_WINDOWS_NAMED} are named above)",
                    airsign::clock::SHORT_WINDOW_MS / 1000
                ));
            }
            if let Ok(s) = &result
                && s.short_windows > 0
            {
                let what = format!("{} signed requests have", s.short_windows);
                eprintln!("airsign: {}", airsign::short_expiry_warning(&what));
            }
            match result {
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
        Command::Verify {
            keys,
            jobs,
            at,
            envelopes,
        } => {
            let keyring = match load_keys(&keys) {
                Ok(k) => k,
                Err(e) => return report(&e, None),
            };
            // Expiry is judged at --at, else by the host clock, which must be after the build.
            let now_ms = match at {
                Some(ms) => ms,
                None => match HostClock::new().check() {
                    Ok(ms) => ms,
                    Err(e) => return report(&e, None),
                },
            };
            let opts = VerifyOptions {
                base_urls: keyring.policy().base_urls().to_vec(),
                now_ms,
            };
            match verify_input(envelopes.as_deref(), &keyring, &opts, jobs) {
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
                    print_line(&line.to_string())
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
        Command::Prepare {
            signer,
            now,
            request,
        } => one_request(
            external_keys(&signer),
            request.as_deref(),
            &now,
            |text, keys, ctx| match airsign::twophase::prepare(text, keys, ctx) {
                Ok(line) => print_line(&line),
                Err(e) => report(&e, None),
            },
        ),
        Command::Assemble {
            signatures,
            keyring,
            base_url,
            prepared,
        } => {
            let args = SignerArgs {
                signer: None,
                scheme: None,
                keyring,
                base_url,
            };
            let keys = match policy_keys(&args) {
                Ok(k) => k,
                Err(e) => return report(&e, None),
            };
            let text = match read_request(prepared.as_deref()) {
                Ok(t) => t,
                Err(e) => return report(&e, None),
            };
            let now = HostClock::new().now_ms();
            match airsign::twophase::assemble(&text, &signatures, &keys, now) {
                Ok(env) => print_line(&env.to_json_line()),
                Err(e) => report(&e, None),
            }
        }
        Command::Explain {
            keys,
            signer,
            text,
            now,
            request,
        } => {
            let keyring = match signer {
                Some(id) => external_keys(&SignerArgs {
                    scheme: None,
                    signer: Some(id),
                    keyring: None,
                    base_url: keys.base_url.clone(),
                }),
                None => load_keys(&keys),
            };
            one_request(keyring, request.as_deref(), &now, |body, keys, ctx| {
                match airsign::twophase::explain(body, keys, ctx) {
                    Ok(x) if text => print_line(x.to_text().trim_end()),
                    Ok(x) => print_line(&x.to_json_line()),
                    Err(e) => report(&e, None),
                }
            })
        }
        Command::Venues => print_line(&airsign::registry::venues_json()),
        Command::Man => cli_docs::print_man(Cli::command()),
        Command::Completions { shell } => cli_docs::print_completions(shell, Cli::command()),
        Command::Render(args) => run_render(args),
        Command::UrDecode { parts } => run_ur_decode(parts),
    }
}

fn run_ur_decode(path: Option<PathBuf>) -> u8 {
    use std::io::BufRead;
    let path = path.filter(|p| p.as_os_str() != "-");
    let name = path
        .as_ref()
        .map_or_else(|| "stdin".to_owned(), |p| p.display().to_string());
    let input: Box<dyn BufRead> = match &path {
        Some(p) => match std::fs::File::open(p) {
            Ok(f) => Box::new(io::BufReader::new(f)),
            Err(e) => {
                eprintln!("airsign: io: cannot read UR parts from {name}: {e}");
                return 3;
            }
        },
        None => Box::new(io::BufReader::new(io::stdin())),
    };
    let mut receiver = render::ur::Receiver::default();
    // Lines as a scanner prints them; a part is short, so a longer line is not one.
    for line in input.take(MAX_VERIFY_BYTES).lines() {
        let line = match line {
            Ok(l) => l,
            Err(e) => {
                eprintln!("airsign: io: cannot read UR parts from {name}: {e}");
                return 3;
            }
        };
        match receiver.receive(&line) {
            Ok(None) => {}
            Ok(Some(payload)) => {
                use std::io::Write;
                let mut out = io::stdout().lock();
                return match out.write_all(&payload).and_then(|()| out.flush()) {
                    Ok(()) => 0,
                    // A closed stdout is not an error.
                    Err(e) if output::is_closed(&e) => 0,
                    Err(e) => stdout_failed(&e),
                };
            }
            Err(e) => {
                eprintln!("airsign: {e}");
                return 1;
            }
        }
    }
    eprintln!("airsign: {}", receiver.incomplete());
    1
}

fn run_render(args: RenderArgs) -> u8 {
    let opts = RenderOptions {
        format: match args.format {
            RenderFormat::Curl => Format::Curl,
            RenderFormat::Http => Format::Http,
            RenderFormat::Qr => Format::Qr,
            RenderFormat::Ur => Format::Ur,
        },
        out_dir: args.out,
        ec_level: match args.ec_level {
            RenderEc::L => EcLevel::L,
            RenderEc::M => EcLevel::M,
            RenderEc::Q => EcLevel::Q,
            RenderEc::H => EcLevel::H,
        },
        fragment_size: args.fragment_size as usize,
        parts: args.parts,
    };
    let path = args.envelopes.filter(|p| p.as_os_str() != "-");
    let name = path
        .as_ref()
        .map_or_else(|| "stdin".to_owned(), |p| p.display().to_string());
    let input: Box<dyn Read> = match &path {
        Some(p) => match std::fs::File::open(p) {
            Ok(f) => Box::new(f),
            Err(e) => {
                let e = Error::new(
                    ErrorCode::Io,
                    None,
                    format!("cannot read envelopes from {name}: {e}"),
                );
                eprintln!("airsign: {e}");
                return 3;
            }
        },
        None => Box::new(io::stdin()),
    };
    let mut stdout = io::stdout().lock();
    let mut warn = |m: String| eprintln!("airsign: {m}");
    // stdout carries only the rendering: an error is words on stderr, never a JSON line
    // mixed into a shell script or a PNG.
    match render::render(input, &name, &opts, &mut stdout, &mut warn) {
        Ok(s) if s.refused > 0 => {
            eprintln!(
                "airsign: {} rendered, {} not rendered (above)",
                s.rendered, s.refused
            );
            1
        }
        Ok(_) => 0,
        Err(e) => {
            eprintln!("airsign: {e}");
            u8::try_from(e.code().exit_code()).unwrap_or(1)
        }
    }
}

/// Reads envelopes and prints one result line each; returns [ok, unverifiable, failed].
///
/// NDJSON goes through the batch pipeline: every core, results in input order, each line
/// capped at [`MAX_LINE_BYTES`] like a batch line. When the first non-blank line is not
/// a JSON document by itself, the whole input (at most [`MAX_LINE_BYTES`]) is taken as one
/// (pretty-printed) envelope instead.
fn verify_input(
    path: Option<&std::path::Path>,
    keys: &Keyring,
    opts: &VerifyOptions,
    jobs: Option<u16>,
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
    let reader: Box<dyn Read + Send> = match path {
        Some(p) if p.as_os_str() != "-" => Box::new(std::fs::File::open(p).map_err(io_err)?),
        _ => Box::new(io::stdin()),
    };
    let mut reader = io::BufReader::with_capacity(1 << 16, reader.take(MAX_VERIFY_BYTES));
    // The first non-blank line (and the blank ones before it), read as a batch line is.
    let limit = MAX_LINE_BYTES as u64 + 1;
    let mut head = Vec::new();
    let mut line_no = 0u64;
    let first = loop {
        let start = head.len();
        let n = (&mut reader)
            .take(limit)
            .read_until(b'\n', &mut head)
            .map_err(io_err)?;
        if n == 0 {
            break None;
        }
        line_no += 1;
        let line = &head[start..];
        if !line.iter().all(u8::is_ascii_whitespace) {
            break Some(start);
        }
    };
    let pretty = first.is_some_and(|start| {
        let raw = &head[start..];
        let whole_line = raw.len() as u64 == limit && raw.last() != Some(&b'\n');
        let raw = raw.strip_suffix(b"\n").unwrap_or(raw);
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        !whole_line && !airsign_core::json::is_one_document(raw)
    });
    if let (true, Some(start)) = (pretty, first) {
        // One pretty-printed envelope: the rest of the input belongs to it.
        let mut doc = head.split_off(start);
        (&mut reader)
            .take(limit)
            .read_to_end(&mut doc)
            .map_err(io_err)?;
        let line = if doc.len() as u64 > MAX_LINE_BYTES as u64 {
            let mut out = String::new();
            airsign::Verifier { keys, opts }.oversize(line_no, MAX_LINE_BYTES, &mut out);
            (out, Outcome::Failed)
        } else {
            verify_line(line_no, &doc, keys, opts)
        };
        let counts = match line.1 {
            Outcome::Ok => [1, 0, 0],
            Outcome::Unverifiable => [0, 1, 0],
            Outcome::Failed => [0, 0, 1],
        };
        return match output::stdout_line(&line.0) {
            Ok(_) => Ok(counts),
            Err(e) => Err(Error::new(
                ErrorCode::Io,
                None,
                format!("cannot write to stdout: {e}"),
            )),
        };
    }
    let mut batch = BatchOptions::default();
    if let Some(n) = jobs {
        batch.jobs = usize::from(n);
    }
    let input = io::Cursor::new(head).chain(reader);
    let never = std::sync::atomic::AtomicBool::new(false);
    let summary = airsign::run_lines(
        input,
        io::stdout(),
        &airsign::Verifier { keys, opts },
        batch,
        &never,
    )
    .map_err(|e| Error::new(ErrorCode::Io, None, format!("verify I/O failed: {e}")))?;
    let counts = [summary.signed, summary.unverifiable, summary.refused];
    if counts == [0, 0, 0] && !summary.stopped_early {
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
