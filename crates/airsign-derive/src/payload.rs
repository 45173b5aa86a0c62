//! What Derive's auth signs: the timestamp, and where the signature goes.

use airsign_core::{Payload, PayloadScheme, Transport};

use crate::DeriveRequest;

/// The message Derive's auth signs: the timestamp in ASCII decimal (no sign, padding or
/// fraction). The EIP-191 framing and hashing are `airsign_keys::eth`'s.
pub fn signing_payload(timestamp: u64) -> String {
    timestamp.to_string()
}

/// Where the signature sits in the envelope: the `X-DeriveSignature` header over REST,
/// the login frame's `signature` over WebSocket.
pub(crate) const fn signature_field(transport: Transport) -> &'static str {
    match transport {
        Transport::Rest => "headers.X-DeriveSignature",
        Transport::Ws => "login.params.signature",
    }
}

/// The one payload of a request: the EIP-191 `personal_sign` of its timestamp (the
/// signer does not enter it).
pub(crate) fn payloads(p: &DeriveRequest) -> Vec<Payload> {
    let message = signing_payload(p.timestamp);
    vec![Payload {
        scheme: PayloadScheme::Eip191,
        bytes: message.as_bytes().to_vec(),
        text: Some(message),
        field: signature_field(p.transport).to_owned(),
    }]
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use airsign_core::{Context, Request};

    #[test]
    fn the_timestamp_is_the_whole_message() {
        assert_eq!(signing_payload(1_700_000_000_000), "1700000000000");
        for (transport, field) in [
            ("rest", "headers.X-DeriveSignature"),
            ("ws", "login.params.signature"),
        ] {
            let text = format!(
                r#"{{"venue":"derive","action":"cancel_all","transport":"{transport}","timestamp":1700000000001,"params":{{"subaccount_id":1}}}}"#
            );
            let p = Context::fixed(5, |ctx| crate::parse(&Request::parse(&text)?, ctx)).unwrap();
            let payloads = payloads(&p);
            assert_eq!(payloads.len(), 1);
            assert_eq!(payloads[0].scheme, PayloadScheme::Eip191);
            assert_eq!(payloads[0].bytes, b"1700000000001");
            assert_eq!(payloads[0].text.as_deref(), Some("1700000000001"));
            assert_eq!(payloads[0].field, field);
        }
    }
}
