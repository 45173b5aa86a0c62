//! The venue trait and the one pipeline every venue runs through (docs/architecture.md).
//!
//! ```text
//! request ─parse→ typed request ─payloads→ [Payload] ─prover→ [Proof] ─assemble→ Envelope
//! envelope ─read_back→ (request, signer, proofs) ─parse→ ─payloads→ check proofs ─assemble→ equal?
//! ```
//!
//! A venue implements the four steps that differ ([`Venue::parse`], [`Venue::payloads`],
//! [`Venue::assemble`], [`Venue::read_back`], plus an optional [`Venue::parse_fast`]);
//! [`build`], [`verify`], [`prepare`] and [`assemble`] are written once, here, over them.
//! Nothing in this module holds a key: the [`Prover`] (a key, or signatures made outside
//! airsign) turns payloads into proofs, and a [`ProofCheck`] checks them for verify.
//!
//! The CLI keeps its venues as `&'static dyn` [`AnyVenue`] trait objects in one list;
//! every [`Venue`] is an [`AnyVenue`] through the blanket implementation.

use std::fmt;
use std::str::FromStr;

use serde_json::{Map, Value};
use zeroize::Zeroizing;

use crate::verify::{Check, Verdict, VerifyOptions, as_mismatch, compare, compare_signed};
use crate::{Context, Envelope, Error, ErrorCode, Request, Result, Transport};

/// How a key signs (or, for a bearer token, authorizes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Scheme {
    /// An ed25519 key (Solana-style; Pacifica).
    Ed25519,
    /// A secp256k1 key (Ethereum; Derive, Mobula, Hyperliquid).
    Secp256k1,
    /// An HMAC-SHA256 API secret (Ripio Trade).
    Hmac,
    /// A bearer token sent as is (Layer1).
    Bearer,
}

impl Scheme {
    /// Every scheme, in the order help texts list them.
    pub const ALL: [Self; 4] = [Self::Ed25519, Self::Secp256k1, Self::Hmac, Self::Bearer];

    /// The name used by `--scheme` and the keyring's `scheme` field.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Ed25519 => "ed25519",
            Self::Secp256k1 => "secp256k1",
            Self::Hmac => "hmac",
            Self::Bearer => "bearer",
        }
    }
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Scheme {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| {
                Error::invalid(
                    "scheme",
                    "one of ed25519, secp256k1, hmac, bearer",
                    &Value::from(s),
                )
            })
    }
}

/// What the keyring and the policy need to know of a venue.
#[derive(Debug, Clone, Copy)]
pub struct VenueRules {
    /// The venue's name, as requests spell it.
    pub venue: &'static str,
    /// The scheme its keys must be.
    pub scheme: Scheme,
    /// The top-level request fields that name the identity a key signs for (Pacifica
    /// `account`, Derive `wallet`, …), which a keyring key may pin.
    pub identity: &'static [&'static str],
    /// The venue's own top-level request fields beyond the common ones (Pacifica
    /// `expiry_window`, Derive `wallet`, …): any other is refused before the policy runs.
    pub fields: &'static [&'static str],
    /// Whether a request is in the venue's cancel family (what the default policy signs).
    pub cancel_family: fn(&Request) -> bool,
}

/// For venues whose every action is a cancel.
pub fn every_action(_: &Request) -> bool {
    true
}

/// One action a venue offers, and how it may be carried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActionInfo {
    /// The venue's own name for it, as requests spell it.
    pub name: &'static str,
    /// The transports it is offered on.
    pub transports: &'static [Transport],
}

/// Both transports.
pub const REST_AND_WS: &[Transport] = &[Transport::Rest, Transport::Ws];
/// REST only.
pub const REST_ONLY: &[Transport] = &[Transport::Rest];
/// WebSocket only.
pub const WS_ONLY: &[Transport] = &[Transport::Ws];

/// The public identity that signs: what payloads and assembly may depend on (Pacifica's
/// agent mode, Derive's default wallet), never a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignerId {
    /// An ed25519 public key and its base58 text.
    Ed25519 {
        /// The 32-byte public key.
        key: [u8; 32],
        /// Its base58 text (the Solana address).
        base58: String,
    },
    /// An Ethereum address and its EIP-55 text.
    Secp256k1 {
        /// The 20-byte address.
        address: [u8; 20],
        /// Its EIP-55 mixed-case text.
        checksum: String,
    },
    /// A shared secret (HMAC) or a bearer token: no public identity.
    Secret,
}

impl SignerId {
    /// The identity as the envelope's `signer` field carries it (`None` for secrets).
    pub fn text(&self) -> Option<&str> {
        match self {
            Self::Ed25519 { base58, .. } => Some(base58),
            Self::Secp256k1 { checksum, .. } => Some(checksum),
            Self::Secret => None,
        }
    }

    /// The key scheme this identity belongs to.
    pub fn scheme(&self) -> Option<Scheme> {
        match self {
            Self::Ed25519 { .. } => Some(Scheme::Ed25519),
            Self::Secp256k1 { .. } => Some(Scheme::Secp256k1),
            Self::Secret => None,
        }
    }

    /// The ed25519 public key, or `verify.mismatch` at `signer`.
    pub fn ed25519(&self) -> Result<&[u8; 32]> {
        match self {
            Self::Ed25519 { key, .. } => Ok(key),
            _ => Err(wrong_signer("an ed25519 public key")),
        }
    }

    /// The Ethereum address text (EIP-55), or `verify.mismatch` at `signer`.
    pub fn checksum(&self) -> Result<&str> {
        match self {
            Self::Secp256k1 { checksum, .. } => Ok(checksum),
            _ => Err(wrong_signer("an Ethereum address")),
        }
    }
}

fn wrong_signer(expected: &str) -> Error {
    Error::new(
        ErrorCode::KeySchemeMismatch,
        Some("signer"),
        format!("expected a signer with {expected}"),
    )
}

/// How a payload is signed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PayloadScheme {
    /// Ed25519 over the bytes themselves.
    Ed25519,
    /// Ed25519 over a Solana off-chain message (the bytes are the whole message, header
    /// included; the text is what `solana sign-offchain-message` takes).
    SolanaOffchain,
    /// secp256k1 `personal_sign`: the bytes are the message before the
    /// `"\x19Ethereum Signed Message:\n" + len` prefix.
    Eip191,
    /// secp256k1 over an EIP-712 digest: the bytes are `0x19 0x01 ‖ domain ‖ struct`.
    Eip712 {
        /// The domain separator.
        domain_hash: [u8; 32],
        /// The hash of the typed message.
        struct_hash: [u8; 32],
    },
    /// HMAC-SHA256 over the bytes.
    Hmac,
    /// No signature: the bearer token itself is the credential (the bytes are empty). It
    /// must not have expired at `valid_at_ms`, the request's time.
    Bearer {
        /// The request's time (ms): a token claiming an earlier expiry is refused.
        valid_at_ms: u64,
    },
}

impl PayloadScheme {
    /// The scheme's name in prepared payloads and verdicts.
    pub const fn as_str(&self) -> &'static str {
        match self {
            Self::Ed25519 => "ed25519",
            Self::SolanaOffchain => "solana-offchain",
            Self::Eip191 => "eip191",
            Self::Eip712 { .. } => "eip712",
            Self::Hmac => "hmac-sha256",
            Self::Bearer { .. } => "bearer",
        }
    }

    /// The key scheme that signs it.
    pub const fn key_scheme(&self) -> Scheme {
        match self {
            Self::Ed25519 | Self::SolanaOffchain => Scheme::Ed25519,
            Self::Eip191 | Self::Eip712 { .. } => Scheme::Secp256k1,
            Self::Hmac => Scheme::Hmac,
            Self::Bearer { .. } => Scheme::Bearer,
        }
    }
}

/// Exactly what one signature covers: pure, key-free, computed from the typed request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payload {
    /// How it is signed.
    pub scheme: PayloadScheme,
    /// The bytes the scheme's signer takes (see [`PayloadScheme`]).
    pub bytes: Vec<u8>,
    /// The venue-level message text, for audit (the text a person reads and a device
    /// shows); `None` when the bytes are not text.
    pub text: Option<String>,
    /// Where the signature sits in the envelope (`body.signature`,
    /// `headers.X-DeriveSignature`, …), for messages.
    pub field: String,
}

/// A signature (or credential) over one payload, as raw bytes.
#[non_exhaustive]
pub enum Proof {
    /// A 64-byte ed25519 signature.
    Ed25519([u8; 64]),
    /// A 65-byte recoverable secp256k1 signature `r ‖ s ‖ v`, `v` 27 or 28, low s.
    Secp256k1([u8; 65]),
    /// A 32-byte HMAC-SHA256 tag.
    Hmac([u8; 32]),
    /// A bearer token: a secret the venue requires on the wire, zeroized on drop.
    Bearer(Zeroizing<String>),
}

impl fmt::Debug for Proof {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Ed25519(s) => write!(f, "Ed25519({})", hex_of(s)),
            Self::Secp256k1(s) => write!(f, "Secp256k1({})", hex_of(s)),
            Self::Hmac(_) => f.write_str("Hmac(..)"),
            Self::Bearer(_) => f.write_str("Bearer(<redacted>)"),
        }
    }
}

fn hex_of(b: &[u8]) -> String {
    use std::fmt::Write;
    b.iter()
        .fold(String::with_capacity(2 * b.len()), |mut s, x| {
            let _ = write!(s, "{x:02x}");
            s
        })
}

/// The request fields a venue drew while parsing (the timestamp from the clock, an id
/// from the id source): written into a prepared request so assembling it later draws
/// nothing and gives the same bytes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Drawn {
    /// The `timestamp` the request is signed with, when the venue signs one.
    pub timestamp: Option<u64>,
    /// The `id` the frame carries, when it carries one.
    pub id: Option<Value>,
}

/// What an envelope says of the request it carries: read by the venue from its url,
/// headers and body, never from its `signed` audit field.
#[derive(Debug)]
pub struct ReadBack {
    /// The request fields, as a request would give them.
    pub request: Map<String, Value>,
    /// Who the envelope says signed.
    pub signer: SignerId,
    /// The signatures (or credential) it carries, in payload order.
    pub proofs: Vec<Proof>,
    /// Parts of the request the venue receives that no signature binds.
    pub unsigned: Vec<String>,
    /// Why the envelope cannot be fully verified even when nothing fails, if so.
    pub unverifiable: Option<String>,
}

/// One venue: the four steps of the pipeline that differ between venues.
///
/// Implementations are pure: no I/O, no keys, no clock but the [`Context`] given to
/// [`Venue::parse`] (the only step that may draw a timestamp or an id).
pub trait Venue: Send + Sync + 'static {
    /// The validated request: every field checked, every timestamp and id drawn.
    type Parsed;

    /// Whether [`Venue::parse_fast`] reads anything (the CLI offers it only a key that
    /// pins nothing).
    const FAST_PATH: bool = false;

    /// The venue's rules for the keyring and the policy.
    fn rules(&self) -> &'static VenueRules;

    /// Every action, with its transports.
    fn actions(&self) -> &'static [ActionInfo];

    /// Validates a request (already authorized by the keyring and policy).
    fn parse(&self, req: &Request, ctx: &Context<'_>) -> Result<Self::Parsed>;

    /// The plainest requests, read straight from their text (the kill-switch case:
    /// thousands of them); `None` hands the text to [`Request::parse`] and [`Venue::parse`].
    /// It must give exactly what the general path gives, or `None`.
    fn parse_fast(&self, text: &str, ctx: &Context<'_>) -> Option<Self::Parsed> {
        let _ = (text, ctx);
        None
    }

    /// The timestamp and id `parse` drew or read.
    fn drawn(&self, p: &Self::Parsed) -> Drawn;

    /// Exactly the bytes to sign, in the order the envelope carries their proofs.
    fn payloads(&self, p: &Self::Parsed, signer: &SignerId) -> Result<Vec<Payload>>;

    /// The envelope: the request, the signer's public identity, the payloads
    /// ([`Venue::payloads`] of the same request and signer) and one proof per payload.
    /// No signing happens here.
    fn assemble(
        &self,
        p: &Self::Parsed,
        signer: &SignerId,
        payloads: &[Payload],
        proofs: &[Proof],
    ) -> Result<Envelope>;

    /// What a signature of this venue does and does not authorize, in a sentence or two
    /// for the operator approving it (`airsign explain`).
    fn meaning(&self) -> &'static str {
        ""
    }

    /// An envelope's request fields, signer and proofs (for verify). Its url must be one
    /// of the venue's own or one `opts` allows.
    fn read_back(&self, env: &Envelope, opts: &VerifyOptions) -> Result<ReadBack>;
}

/// Turns payloads into proofs: a key (in `airsign-keys`), or signatures made outside
/// airsign (`prepare` → device → `assemble`).
pub trait Prover {
    /// The public identity that will sign, for a venue whose keys are `scheme`
    /// (`key.scheme_mismatch` when this prover is of another scheme).
    fn signer(&self, scheme: Scheme) -> Result<SignerId>;
    /// The proof over `payload`.
    fn prove(&self, payload: &Payload) -> Result<Proof>;
}

/// Checks proofs for verify (in `airsign-keys`: signatures against the signer, HMAC tags
/// with the keyring's secret, bearer tokens' expiry).
pub trait ProofCheck {
    /// Checks `proof` over `payload` by `signer`, for request `req` of the venue with
    /// `rules`. `Ok(None)`: nothing to check (a bearer token that has not expired).
    fn check(
        &self,
        rules: &VenueRules,
        req: &Request,
        signer: &SignerId,
        payload: &Payload,
        proof: &Proof,
        opts: &VerifyOptions,
    ) -> Result<Option<Check>>;
}

/// A request stopped after `payloads`: what an external signer signs.
#[derive(Debug)]
pub struct Prepared {
    /// The request exactly as it will be signed (timestamp and id fixed).
    pub request: Map<String, Value>,
    /// Who signs.
    pub signer: SignerId,
    /// What they sign, in order.
    pub payloads: Vec<Payload>,
}

/// The request fields of `req` as a JSON object (the inverse of [`Request::from_map`]).
pub fn request_map(req: &Request) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("venue".into(), Value::from(req.venue.as_str()));
    m.insert("action".into(), Value::from(req.action.as_str()));
    if req.transport_given {
        m.insert("transport".into(), Value::from(req.transport.as_str()));
    }
    if let Some(e) = &req.environment {
        m.insert("environment".into(), Value::from(e.as_str()));
    }
    if let Some(b) = &req.base_url {
        m.insert("base_url".into(), Value::from(b.as_str()));
    }
    if let Some(t) = req.timestamp {
        m.insert("timestamp".into(), Value::from(t));
    }
    if let Some(id) = &req.id {
        m.insert("id".into(), id.clone());
    }
    if let Some(k) = &req.key {
        m.insert("key".into(), Value::from(k.as_str()));
    }
    for (k, v) in &req.extra {
        m.insert(k.clone(), v.clone());
    }
    m.insert("params".into(), Value::Object(req.params.clone()));
    m
}

/// Signs a parsed request: the prover's identity, the payloads, their proofs, the envelope.
pub fn sign_parsed<V: Venue + ?Sized>(
    v: &V,
    p: &V::Parsed,
    prover: &dyn Prover,
) -> Result<Envelope> {
    let signer = prover.signer(v.rules().scheme)?;
    let payloads = v.payloads(p, &signer)?;
    let proofs = payloads
        .iter()
        .map(|x| prover.prove(x))
        .collect::<Result<Vec<_>>>()?;
    v.assemble(p, &signer, &payloads, &proofs)
}

/// The one build path: parse, payloads, proofs, assemble.
pub fn build<V: Venue + ?Sized>(
    v: &V,
    req: &Request,
    prover: &dyn Prover,
    ctx: &Context<'_>,
) -> Result<Envelope> {
    let p = v.parse(req, ctx)?;
    sign_parsed(v, &p, prover)
}

/// The pipeline stopped after `payloads`, for a signer known only by its identity.
pub fn prepare<V: Venue + ?Sized>(
    v: &V,
    req: &Request,
    signer: SignerId,
    ctx: &Context<'_>,
) -> Result<Prepared> {
    check_signer(v.rules(), &signer)?;
    let p = v.parse(req, ctx)?;
    let payloads = v.payloads(&p, &signer)?;
    let drawn = v.drawn(&p);
    let mut request = request_map(req);
    if let Some(t) = drawn.timestamp {
        request.insert("timestamp".into(), Value::from(t));
    }
    if let Some(id) = drawn.id {
        request.insert("id".into(), id);
    }
    Ok(Prepared {
        request,
        signer,
        payloads,
    })
}

/// Resumes a prepared request with proofs made outside airsign: re-derives the payloads
/// (a prepared request draws nothing: its timestamp and id are fixed) and assembles the
/// envelope. The caller checks the proofs against the payloads first.
pub fn assemble<V: Venue + ?Sized>(
    v: &V,
    req: &Request,
    signer: &SignerId,
    proofs: &[Proof],
) -> Result<(Envelope, Vec<Payload>)> {
    check_signer(v.rules(), signer)?;
    let p = parse_fixed(v, req)?;
    let payloads = v.payloads(&p, signer)?;
    check_proof_count(payloads.len(), proofs.len())?;
    Ok((v.assemble(&p, signer, &payloads, proofs)?, payloads))
}

/// `key.scheme_mismatch` at `signer` unless a public `signer` is of the venue's key
/// scheme (a secret, HMAC or bearer, has no public identity to compare).
pub fn check_signer(rules: &VenueRules, signer: &SignerId) -> Result<()> {
    match signer.scheme() {
        Some(s) if s != rules.scheme => Err(Error::new(
            ErrorCode::KeySchemeMismatch,
            Some("signer"),
            format!(
                "{} signs with {} keys; this signer is another scheme",
                rules.venue, rules.scheme
            ),
        )),
        _ => Ok(()),
    }
}

/// `request.invalid` at `signatures` unless there is one signature per payload.
pub fn check_proof_count(payloads: usize, given: usize) -> Result<()> {
    if payloads == given {
        return Ok(());
    }
    Err(Error::new(
        ErrorCode::RequestInvalid,
        Some("signatures"),
        format!(
            "expected {payloads} signature(s), one per payload in order (--signature SIG \
             each), saw {given}"
        ),
    ))
}

/// Parses a request whose timestamp and id are fixed, with a clock at its timestamp.
fn parse_fixed<V: Venue + ?Sized>(v: &V, req: &Request) -> Result<V::Parsed> {
    Context::fixed(req.timestamp.unwrap_or(0), |ctx| v.parse(req, ctx))
}

/// The payloads of a request whose timestamp and id are fixed.
pub fn payloads_of<V: Venue + ?Sized>(
    v: &V,
    req: &Request,
    signer: &SignerId,
) -> Result<Vec<Payload>> {
    let p = parse_fixed(v, req)?;
    v.payloads(&p, signer)
}

/// The one verify path: read back the request, signer and proofs; parse it again; its
/// assembly with the envelope's own proofs must equal the envelope field for field; each
/// proof must hold over the re-derived payload; only then is `signed` compared.
pub fn verify<V: Venue + ?Sized>(
    v: &V,
    env: &Envelope,
    checker: &dyn ProofCheck,
    opts: &VerifyOptions,
) -> Result<Verdict> {
    let rb = v.read_back(env, opts)?;
    let req = Request::from_map(rb.request).map_err(as_mismatch)?;
    let now = req.timestamp.unwrap_or(opts.now_ms);
    let p = Context::fixed(now, |ctx| v.parse(&req, ctx)).map_err(as_mismatch)?;
    let payloads = v.payloads(&p, &rb.signer).map_err(as_mismatch)?;
    if payloads.len() != rb.proofs.len() {
        return Err(crate::verify::mismatch(
            "body",
            format!(
                "expected {} signature(s) for this request, saw {}",
                payloads.len(),
                rb.proofs.len()
            ),
        ));
    }
    let rebuilt = v
        .assemble(&p, &rb.signer, &payloads, &rb.proofs)
        .map_err(as_mismatch)?;
    compare(env, &rebuilt)?;
    let mut checks = Vec::with_capacity(payloads.len());
    for (payload, proof) in payloads.iter().zip(&rb.proofs) {
        if let Some(c) = checker.check(v.rules(), &req, &rb.signer, payload, proof, opts)? {
            checks.push(c);
        }
    }
    compare_signed(env, &rebuilt)?;
    Ok(Verdict {
        checks,
        unsigned: rb.unsigned,
        unverifiable: rb.unverifiable,
    })
}

/// A venue as the CLI drives it: the object-safe face of [`Venue`], implemented for
/// every venue, so the registry is a list of `&'static dyn AnyVenue`.
pub trait AnyVenue: Send + Sync {
    /// The venue's rules for the keyring and the policy.
    fn rules(&self) -> &'static VenueRules;
    /// Every action, with its transports.
    fn actions(&self) -> &'static [ActionInfo];
    /// Whether the venue reads some requests straight from their text.
    fn has_fast_path(&self) -> bool;
    /// [`Venue::meaning`].
    fn meaning(&self) -> &'static str;
    /// The envelope's request fields, signer and proofs ([`Venue::read_back`]).
    fn read_back(&self, env: &Envelope, opts: &VerifyOptions) -> Result<ReadBack>;
    /// [`build`].
    fn build(&self, req: &Request, prover: &dyn Prover, ctx: &Context<'_>) -> Result<Envelope>;
    /// The fast path: `None` when the text is not one of the plainest requests.
    fn build_fast(
        &self,
        text: &str,
        prover: &dyn Prover,
        ctx: &Context<'_>,
    ) -> Option<Result<Envelope>>;
    /// [`prepare`].
    fn prepare(&self, req: &Request, signer: SignerId, ctx: &Context<'_>) -> Result<Prepared>;
    /// The payloads of a prepared request (timestamp and id fixed).
    fn payloads_of(&self, req: &Request, signer: &SignerId) -> Result<Vec<Payload>>;
    /// [`assemble`].
    fn assemble(
        &self,
        req: &Request,
        signer: &SignerId,
        proofs: &[Proof],
    ) -> Result<(Envelope, Vec<Payload>)>;
    /// [`verify`].
    fn verify(
        &self,
        env: &Envelope,
        checker: &dyn ProofCheck,
        opts: &VerifyOptions,
    ) -> Result<Verdict>;
}

impl<V: Venue> AnyVenue for V {
    fn rules(&self) -> &'static VenueRules {
        Venue::rules(self)
    }
    fn actions(&self) -> &'static [ActionInfo] {
        Venue::actions(self)
    }
    fn has_fast_path(&self) -> bool {
        V::FAST_PATH
    }
    fn meaning(&self) -> &'static str {
        Venue::meaning(self)
    }
    fn read_back(&self, env: &Envelope, opts: &VerifyOptions) -> Result<ReadBack> {
        Venue::read_back(self, env, opts)
    }
    fn build(&self, req: &Request, prover: &dyn Prover, ctx: &Context<'_>) -> Result<Envelope> {
        build(self, req, prover, ctx)
    }
    fn build_fast(
        &self,
        text: &str,
        prover: &dyn Prover,
        ctx: &Context<'_>,
    ) -> Option<Result<Envelope>> {
        let p = self.parse_fast(text, ctx)?;
        Some(sign_parsed(self, &p, prover))
    }
    fn prepare(&self, req: &Request, signer: SignerId, ctx: &Context<'_>) -> Result<Prepared> {
        prepare(self, req, signer, ctx)
    }
    fn payloads_of(&self, req: &Request, signer: &SignerId) -> Result<Vec<Payload>> {
        payloads_of(self, req, signer)
    }
    fn assemble(
        &self,
        req: &Request,
        signer: &SignerId,
        proofs: &[Proof],
    ) -> Result<(Envelope, Vec<Payload>)> {
        assemble(self, req, signer, proofs)
    }
    fn verify(
        &self,
        env: &Envelope,
        checker: &dyn ProofCheck,
        opts: &VerifyOptions,
    ) -> Result<Verdict> {
        verify(self, env, checker, opts)
    }
}
