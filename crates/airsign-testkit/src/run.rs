//! One venue's vectors through that venue alone.

use airsign_core::{AnyVenue, Envelope, Error, ErrorCode, Request};
use serde_json::{Map, Value};

use crate::{Case, assert_cases, keyring_with, load, signing_policy, with_context};

/// Signs `req` (the case's request or a variant of it) with the case's key through
/// `venue` alone, as the CLI would but without its registry: the request's shape and
/// fields ([`Request::parse`]), the keyring's authorization under [`signing_policy`]
/// (`Keyring::authorize` with the venue's rules), then [`AnyVenue::build`] with the
/// chosen key as the prover, in the fixed context.
pub fn build_through(
    venue: &dyn AnyVenue,
    case: &Case,
    req: &Map<String, Value>,
) -> Result<Envelope, Error> {
    let text = Value::Object(req.clone()).to_string();
    let keys = keyring_with(case, signing_policy(req));
    let rules = venue.rules();
    with_context(req, |ctx| {
        airsign_core::json::check_shape(&text)?;
        let parsed = Request::parse(&text)?;
        if parsed.venue != rules.venue {
            return Err(Error::new(
                ErrorCode::RequestUnknownVenue,
                Some("venue"),
                format!("this harness runs {} only", rules.venue),
            ));
        }
        let now = match parsed.timestamp {
            Some(t) => t,
            None => ctx.clock.now_ms(),
        };
        let (key, authorized) = keys.authorize(&parsed, rules, now)?;
        venue.build(&authorized, key, ctx)
    })
}

/// The venue's fast path on the case's request, when it takes it: `None` when the venue
/// has none, the keyring offers it no key, or it hands the text to the general path.
fn build_fast(venue: &dyn AnyVenue, case: &Case) -> Option<Result<Envelope, Error>> {
    if !venue.has_fast_path() {
        return None;
    }
    let text = case.request_text();
    let keys = keyring_with(case, signing_policy(&case.request));
    let key = keys.fast_key(venue.rules())?;
    with_context(&case.request, |ctx| {
        airsign_core::json::check_shape(&text).ok()?;
        venue.build_fast(&text, key, ctx)
    })
}

/// Runs every case of `vectors/<venue name>.jsonl` through `venue` alone
/// ([`build_through`]) and holds each to the CLI harness's bar ([`assert_cases`]): a
/// valid case's envelope equals every `expected` field byte for byte, a must-fail case is
/// refused with the code and field `vectors/refusals.tsv` records, and every row of that
/// table for this venue matches a case. Where the venue has a fast path, whatever it
/// signs must be exactly what the general path gives. Panics listing every failure.
///
/// A venue crate's `tests/vectors.rs`:
///
/// ```text
/// #[test]
/// fn reference_vectors_pass_byte_for_byte() {
///     airsign_testkit::run_vectors(&airsign_pacifica::VENUE);
/// }
/// ```
pub fn run_vectors(venue: &dyn AnyVenue) {
    let name = venue.rules().venue;
    let file = format!("{name}.jsonl");
    let cases = load(&file);
    let strays: Vec<String> = cases
        .iter()
        .filter(|c| c.venue != name)
        .map(|c| format!("{}: venue {} in {file}", c.label(), c.venue))
        .collect();
    assert!(strays.is_empty(), "{}", strays.join("\n"));
    let label = format!("vectors ({name} alone)");
    let sign = |case: &Case, req: &Map<String, Value>| build_through(venue, case, req);
    assert_cases(&label, &cases, Some(name), &sign);

    let mut fast = 0;
    let mut failures = Vec::new();
    for case in &cases {
        let Some(got) = build_fast(venue, case) else {
            continue;
        };
        fast += 1;
        let want = build_through(venue, case, &case.request);
        let same = match (&got, &want) {
            (Ok(a), Ok(b)) => a.to_json_line() == b.to_json_line(),
            (Err(a), Err(b)) => (a.code(), a.field()) == (b.code(), b.field()),
            _ => false,
        };
        if !same {
            failures.push(format!(
                "{}: fast path gave {:?}, the general path {:?}",
                case.label(),
                got.map(|e| e.to_json_line()),
                want.map(|e| e.to_json_line())
            ));
        }
    }
    if venue.has_fast_path() {
        eprintln!("{label}: {fast} case(s) taken by the fast path, each as the general path");
    }
    assert!(
        failures.is_empty(),
        "{label}: {} fast-path case(s) differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
