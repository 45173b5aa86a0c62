//! What is signed: the connection id over the action's MessagePack, the nonce, the vault
//! and the expiry, and the EIP-712 `Agent` digest over that id.
//!
//! ```text
//! data         = msgpack(action) || nonce (8 bytes BE)
//!                || 0x00                 (no vault)   | 0x01 || 20 address bytes
//!                || 0x00 || expires_after (8 bytes BE)   (only when given)
//! connectionId = keccak256(data)
//! digest       = keccak256(0x19 0x01 || domainSeparator || hashStruct(Agent{source, connectionId}))
//! ```
//!
//! The domain is `EIP712Domain(string name,string version,uint256 chainId,address
//! verifyingContract)` = (`"Exchange"`, `"1"`, 1337, `0x0`), the same on mainnet and
//! testnet; `source` is `"a"` on mainnet and `"b"` on testnet.
//!
//! The venue's payload ([`crate::Hyperliquid`]'s `payloads`) is the EIP-712 preimage
//! `0x19 0x01 ‖ domain ‖ struct`; the key signs its Keccak-256 (the `digest` above).

use std::sync::LazyLock;

use airsign_core::json::push_u64;
use airsign_core::{Payload, PayloadScheme};
use airsign_keys::eth::keccak256;

use crate::msgpack;
use crate::request::{Environment, HlRequest};

/// The EIP-712 domain type, as hashed.
pub const DOMAIN_TYPE: &str =
    "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)";
/// The `Agent` type, as hashed.
pub const AGENT_TYPE: &str = "Agent(string source,bytes32 connectionId)";
/// The domain's chain id.
pub const CHAIN_ID: u64 = 1337;

/// The EIP-712 domain separator of Hyperliquid's L1 actions (computed once).
pub fn domain_separator() -> [u8; 32] {
    static SEP: LazyLock<[u8; 32]> = LazyLock::new(compute_domain_separator);
    *SEP
}

fn compute_domain_separator() -> [u8; 32] {
    let mut enc = [0u8; 32 * 5];
    enc[..32].copy_from_slice(&keccak256(DOMAIN_TYPE.as_bytes()));
    enc[32..64].copy_from_slice(&keccak256(b"Exchange"));
    enc[64..96].copy_from_slice(&keccak256(b"1"));
    enc[120..128].copy_from_slice(&CHAIN_ID.to_be_bytes());
    // verifyingContract = 0x0: the last word stays zero.
    keccak256(&enc)
}

/// `hashStruct(Agent{source, connectionId})`.
pub fn agent_struct_hash(source: &str, connection_id: &[u8; 32]) -> [u8; 32] {
    static TYPE_HASH: LazyLock<[u8; 32]> = LazyLock::new(|| keccak256(AGENT_TYPE.as_bytes()));
    static SOURCES: LazyLock<[[u8; 32]; 2]> = LazyLock::new(|| [keccak256(b"a"), keccak256(b"b")]);
    let source_hash = match source {
        "a" => SOURCES[0],
        "b" => SOURCES[1],
        other => keccak256(other.as_bytes()),
    };
    let mut enc = [0u8; 96];
    enc[..32].copy_from_slice(&*TYPE_HASH);
    enc[32..64].copy_from_slice(&source_hash);
    enc[64..].copy_from_slice(connection_id);
    keccak256(&enc)
}

/// The bytes whose Keccak-256 the key signs: `0x19 0x01 ‖ domain ‖ struct` (66 bytes).
pub fn eip712_bytes(environment: Environment, connection_id: &[u8; 32]) -> [u8; 66] {
    let mut enc = [0u8; 66];
    enc[0] = 0x19;
    enc[1] = 0x01;
    enc[2..34].copy_from_slice(&domain_separator());
    enc[34..].copy_from_slice(&agent_struct_hash(environment.source(), connection_id));
    enc
}

/// The EIP-712 digest the key signs: `keccak256(0x1901 || domain || struct)`.
pub fn eip712_digest(environment: Environment, connection_id: &[u8; 32]) -> [u8; 32] {
    keccak256(&eip712_bytes(environment, connection_id))
}

/// Everything the signature covers, each step kept for the audit trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Steps {
    /// `msgpack(action)`.
    pub action_msgpack: Vec<u8>,
    /// The connection id's preimage (`action_msgpack` followed by nonce, vault, expiry).
    pub data: Vec<u8>,
    /// `keccak256(data)`.
    pub connection_id: [u8; 32],
    /// `0x19 0x01 ‖ domain ‖ hashStruct(Agent{source, connectionId})`: what is signed.
    pub eip712: [u8; 66],
    /// `keccak256(eip712)`: the digest the signature is over.
    pub digest: [u8; 32],
}

/// The connection id's preimage for `action_msgpack` under `req`'s nonce, vault and
/// expiry.
pub fn connection_data(req: &HlRequest, action_msgpack: &[u8]) -> Vec<u8> {
    let mut data = Vec::with_capacity(action_msgpack.len() + 8 + 21 + 9);
    data.extend_from_slice(action_msgpack);
    data.extend_from_slice(&req.nonce.to_be_bytes());
    match &req.vault_address {
        None => data.push(0x00),
        Some((addr, _)) => {
            data.push(0x01);
            data.extend_from_slice(&addr.0);
        }
    }
    if let Some(e) = req.expires_after {
        data.push(0x00);
        data.extend_from_slice(&e.to_be_bytes());
    }
    data
}

/// Builds every step of what `req` signs.
pub fn steps(req: &HlRequest) -> Steps {
    let mut w = msgpack::Writer::with_capacity(64);
    req.action.write_msgpack(&mut w);
    let action_msgpack = w.buf;
    let data = connection_data(req, &action_msgpack);
    let connection_id = keccak256(&data);
    let eip712 = eip712_bytes(req.environment, &connection_id);
    let digest = keccak256(&eip712);
    Steps {
        action_msgpack,
        data,
        connection_id,
        eip712,
        digest,
    }
}

/// The `signed` entry's `message` and the payload's audit text: a JSON object showing
/// each step from the action to the signed digest (`action`, its `action_msgpack` hex,
/// `nonce`, `vaultAddress`, `expiresAfter`, `connectionId`, `source`, `digest`).
pub fn audit_message(req: &HlRequest, action_json: &str, p: &Steps) -> String {
    let mut m = String::with_capacity(action_json.len() + 2 * p.action_msgpack.len() + 320);
    m.push_str("{\"action\":");
    m.push_str(action_json);
    m.push_str(",\"action_msgpack\":\"");
    m.push_str(&hex::encode(&p.action_msgpack));
    m.push_str("\",\"nonce\":");
    push_u64(&mut m, req.nonce);
    m.push_str(",\"vaultAddress\":");
    match &req.vault_address {
        Some((_, text)) => {
            m.push('"');
            m.push_str(text);
            m.push('"');
        }
        None => m.push_str("null"),
    }
    m.push_str(",\"expiresAfter\":");
    match req.expires_after {
        Some(e) => push_u64(&mut m, e),
        None => m.push_str("null"),
    }
    m.push_str(",\"connectionId\":\"0x");
    m.push_str(&hex::encode(p.connection_id));
    m.push_str("\",\"source\":\"");
    m.push_str(req.environment.source());
    m.push_str("\",\"digest\":\"0x");
    m.push_str(&hex::encode(p.digest));
    m.push_str("\"}");
    m
}

/// Where the signature sits in the body, as verify errors have always named it (the
/// WebSocket frame carries the same `signature` object inside `request.payload`).
pub const SIGNATURE_FIELD: &str = "body.signature";

/// The one payload of `req`: EIP-712, `bytes` = `0x19 0x01 ‖ domain ‖ struct`, the audit
/// message as its text.
pub(crate) fn payloads(req: &HlRequest) -> Vec<Payload> {
    let steps = steps(req);
    let domain_hash = domain_separator();
    let mut struct_hash = [0u8; 32];
    struct_hash.copy_from_slice(&steps.eip712[34..]);
    let text = audit_message(req, &req.action.to_json(), &steps);
    vec![Payload {
        scheme: PayloadScheme::Eip712 {
            domain_hash,
            struct_hash,
        },
        bytes: steps.eip712.to_vec(),
        text: Some(text),
        field: SIGNATURE_FIELD.to_owned(),
    }]
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;

    #[test]
    fn cancel_one_vector_steps() {
        // Vector cancel-one: nonce 1750000001000, no vault, no expiry, mainnet.
        let msgpack =
            hex::decode("82a474797065a663616e63656ca763616e63656c739182a16100a16fcd3039").unwrap();
        let mut data = msgpack.clone();
        data.extend_from_slice(&1_750_000_001_000u64.to_be_bytes());
        data.push(0);
        let cid = keccak256(&data);
        assert_eq!(
            hex::encode(cid),
            "6a8772b10571512b780aada8abeefd7fbe0c81d0080b9d2d2613ebda83995040"
        );
        assert_eq!(
            hex::encode(eip712_digest(Environment::Mainnet, &cid)),
            "1987e514bc73d5b808ddb41fa0fd4eae8a994e4c8802e4b90264ed5c2acec5c4"
        );
    }

    #[test]
    fn the_payload_is_the_eip712_preimage_of_the_digest() {
        let req = airsign_core::Context::fixed(0, |ctx| {
            crate::request::parse(
                &airsign_core::Request::parse(
                    r#"{"venue":"hyperliquid","action":"cancel","timestamp":1750000001000,"params":{"cancels":[{"a":0,"o":12345}]}}"#,
                )?,
                ctx,
            )
        })
        .unwrap();
        let [p] = &payloads(&req)[..] else {
            panic!("one payload")
        };
        assert_eq!(p.scheme.as_str(), "eip712");
        assert_eq!(p.field, "body.signature");
        assert_eq!(p.bytes.len(), 66);
        assert_eq!(p.bytes[..2], [0x19, 0x01]);
        let PayloadScheme::Eip712 {
            domain_hash,
            struct_hash,
        } = &p.scheme
        else {
            panic!("eip712")
        };
        assert_eq!(p.bytes[2..34], domain_hash[..]);
        assert_eq!(p.bytes[34..], struct_hash[..]);
        assert_eq!(
            hex::encode(keccak256(&p.bytes)),
            "1987e514bc73d5b808ddb41fa0fd4eae8a994e4c8802e4b90264ed5c2acec5c4"
        );
        let text = p.text.as_deref().unwrap();
        assert!(text.ends_with(
            r#""digest":"0x1987e514bc73d5b808ddb41fa0fd4eae8a994e4c8802e4b90264ed5c2acec5c4"}"#
        ));
    }
}
