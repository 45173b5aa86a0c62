//! Why each must-fail Derive and Mobula vector is refused. The vector harness only checks
//! that these cases get no envelope; this pins the error code and field, so a case cannot
//! pass by being refused for an unrelated reason (a typo in the request, a missing key).
//! The vectors' own `expected.error` texts are toolkit prose, mapped here by hand.

#![allow(clippy::unwrap_used, clippy::panic)]

use std::path::Path;

use airsign_core::{Context, FixedClock, SequenceIds};
use airsign_keys::{Keyring, SecretBytes};
use serde_json::Value;

/// (case name, error code, field).
const REASONS: &[(&str, &str, &str)] = &[
    (
        "invalid_cancel_quote_missing_quote_id",
        "params.missing",
        "params.quote_id",
    ),
    (
        "invalid_cancel_quote_missing_subaccount_id",
        "params.missing",
        "params.subaccount_id",
    ),
    (
        "invalid_cancel_quote_subaccount_id_string",
        "params.invalid",
        "params.subaccount_id",
    ),
    (
        "invalid_cancel_quote_quote_id_not_uuid",
        "params.invalid",
        "params.quote_id",
    ),
    (
        "invalid_cancel_quote_subaccount_negative",
        "params.invalid",
        "params.subaccount_id",
    ),
    (
        "invalid_cancel_rfq_subaccount_overflow_u64",
        "params.invalid",
        "params.subaccount_id",
    ),
    (
        "invalid_cancel_missing_instrument_name",
        "params.missing",
        "params.instrument_name",
    ),
    (
        "invalid_cancel_by_nonce_nonce_string",
        "params.invalid",
        "params.nonce",
    ),
    (
        "invalid_cancel_all_flag_not_boolean",
        "params.invalid",
        "params.cancel_trigger_orders",
    ),
    (
        "invalid_cancel_by_label_missing_label",
        "params.missing",
        "params.label",
    ),
    ("invalid_wallet_too_short", "request.invalid", "wallet"),
    ("invalid_wallet_bad_checksum", "request.invalid", "wallet"),
    ("invalid_private_key_zero", "key.invalid", "key_file"),
    ("invalid_timestamp_negative", "request.invalid", "timestamp"),
    ("invalid_unknown_method", "request.unknown_action", "action"),
    (
        "invalid_set_cancel_on_disconnect_enabled_string",
        "params.invalid",
        "params.enabled",
    ),
    (
        "mobula-bad-orderIndex-empty",
        "params.invalid",
        "params.orderIndex",
    ),
    (
        "mobula-bad-orderIndex-negative",
        "params.invalid",
        "params.orderIndex",
    ),
    (
        "mobula-bad-orderIndex-plus-sign",
        "params.invalid",
        "params.orderIndex",
    ),
    (
        "mobula-bad-orderIndex-hex",
        "params.invalid",
        "params.orderIndex",
    ),
    (
        "mobula-bad-orderIndex-decimal-point",
        "params.invalid",
        "params.orderIndex",
    ),
    (
        "mobula-bad-orderIndex-exponent",
        "params.invalid",
        "params.orderIndex",
    ),
    (
        "mobula-bad-orderIndex-leading-space",
        "params.invalid",
        "params.orderIndex",
    ),
    (
        "mobula-bad-orderIndex-trailing-newline",
        "params.invalid",
        "params.orderIndex",
    ),
    (
        "mobula-bad-orderIndex-arabic-indic-digits",
        "params.invalid",
        "params.orderIndex",
    ),
    (
        "mobula-bad-orderIndex-fullwidth-digits",
        "params.invalid",
        "params.orderIndex",
    ),
    (
        "mobula-bad-orderIndex-json-number",
        "params.invalid",
        "params.orderIndex",
    ),
    (
        "mobula-bad-orderIndex-missing",
        "params.missing",
        "params.orderIndex",
    ),
    (
        "mobula-bad-lighter-missing-marketId",
        "params.missing",
        "params.marketId",
    ),
    (
        "mobula-bad-lighter-empty-marketId",
        "params.invalid",
        "params.marketId",
    ),
    (
        "mobula-bad-lighter-with-orderType",
        "params.invalid",
        "params.orderType",
    ),
    (
        "mobula-bad-gains-orderType-limit",
        "params.invalid",
        "params.orderType",
    ),
    (
        "mobula-bad-gains-orderType-uppercase",
        "params.invalid",
        "params.orderType",
    ),
    (
        "mobula-bad-gains-missing-orderType",
        "params.missing",
        "params.orderType",
    ),
    ("mobula-bad-dex-unknown", "params.invalid", "params.dex"),
    ("mobula-bad-dex-capitalised", "params.invalid", "params.dex"),
    ("mobula-bad-dex-missing", "params.missing", "params.dex"),
    (
        "mobula-bad-chainId-missing",
        "params.missing",
        "params.chainId",
    ),
    (
        "mobula-bad-timestamp-string",
        "request.invalid",
        "timestamp",
    ),
    (
        "mobula-bad-timestamp-fractional",
        "request.invalid",
        "timestamp",
    ),
    (
        "mobula-bad-close-both-sizes",
        "params.invalid",
        "params.amountRaw",
    ),
    (
        "mobula-bad-close-percentage-zero",
        "params.invalid",
        "params.closePercentage",
    ),
    (
        "mobula-bad-close-gains-missing-positionId",
        "params.missing",
        "params.positionId",
    ),
    (
        "mobula-bad-close-missing-marketId",
        "params.missing",
        "params.marketId",
    ),
    (
        "mobula-bad-edit-gains-positionId-composite",
        "params.invalid",
        "params.positionId",
    ),
    (
        "mobula-bad-edit-negative-sl",
        "params.invalid",
        "params.newSl",
    ),
    (
        "mobula-bad-margin-lighter-zero-amount",
        "params.invalid",
        "params.usdcAmount",
    ),
    (
        "mobula-bad-margin-lighter-with-newLeverage",
        "params.invalid",
        "params.newLeverage",
    ),
    (
        "mobula-bad-withdraw-amount-number",
        "params.invalid",
        "params.amountUsdc",
    ),
    (
        "mobula-bad-deposit-amount-zero",
        "params.invalid",
        "params.amountUsdc",
    ),
    (
        "mobula-bad-create-limit-without-openPrice",
        "params.missing",
        "params.openPrice",
    ),
    (
        "mobula-bad-create-account-negative-index",
        "params.invalid",
        "params.accountIndex",
    ),
];

#[test]
fn must_fail_cases_are_refused_for_their_own_reason() {
    let mut seen = 0;
    for file in ["derive.jsonl", "mobula.jsonl"] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../vectors")
            .join(file);
        for line in std::fs::read_to_string(path).unwrap().lines() {
            let case: Value = serde_json::from_str(line).unwrap();
            if case["expected"].get("error").is_none() {
                continue;
            }
            let name = case["name"].as_str().unwrap();
            let Some(&(_, code, field)) = REASONS.iter().find(|r| r.0 == name) else {
                panic!("{file}: no reason recorded for must-fail case {name}");
            };
            let keys = Keyring::new(SecretBytes::new(
                case["key"]["value"].as_str().unwrap().as_bytes().to_vec(),
            ));
            let clock = FixedClock(1_700_000_000_000);
            let ids = SequenceIds::new(0);
            let ctx = Context {
                clock: &clock,
                ids: &ids,
            };
            let e = airsign::sign_request(&case["request"].to_string(), &keys, &ctx)
                .err()
                .unwrap_or_else(|| panic!("{name}: signed"));
            assert_eq!(
                (e.code().as_str(), e.field().unwrap_or("")),
                (code, field),
                "{name}: {e}"
            );
            seen += 1;
        }
    }
    assert_eq!(seen, REASONS.len());
}
