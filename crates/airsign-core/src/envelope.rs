//! The envelope: one ready-to-send request (CONTRACT.md §2).
//!
//! Field order is part of the contract and is the declaration order below. `body` is the
//! exact text to send; nothing downstream may re-serialise it.

use serde::{Deserialize, Serialize};

use crate::Transport;

/// One ready-to-send request, printed as one JSON line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Envelope {
    /// Format version, always 1.
    pub airsign: u8,
    /// The venue (`pacifica`, …).
    pub venue: String,
    /// The venue's action name as requested.
    pub action: String,
    /// `rest` or `ws`.
    pub transport: Transport,
    /// HTTP method for REST; `null` for WebSocket.
    pub method: Option<String>,
    /// Full URL (`https://…` or `wss://…`).
    pub url: String,
    /// HTTP headers in sending order (empty for WebSocket frames).
    pub headers: Headers,
    /// Exact body or frame text, or `null` when there is none.
    pub body: Option<String>,
    /// WebSocket only: a frame to send first on the connection (e.g. a login).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub login: Option<String>,
    /// The public key or address that signed; `null` for bearer tokens.
    pub signer: Option<String>,
    /// What was signed, for audit.
    pub signed: Vec<Signed>,
    /// Milliseconds after which the venue refuses the request, where the venue says.
    pub expires_at: Option<u64>,
}

/// HTTP headers, kept in order and printed as a JSON object.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Headers(pub Vec<(String, String)>);

impl Headers {
    /// The value of the first header named `name` (ASCII case-insensitive).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

impl Serialize for Headers {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

impl<'de> Deserialize<'de> for Headers {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let m = serde_json::Map::<String, serde_json::Value>::deserialize(d)?;
        let mut out = Vec::with_capacity(m.len());
        for (k, v) in m {
            match v {
                serde_json::Value::String(s) => out.push((k, s)),
                _ => return Err(serde::de::Error::custom("header values must be strings")),
            }
        }
        Ok(Headers(out))
    }
}

/// One signature and the message it covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signed {
    /// `ed25519`, `solana-offchain`, `eip191`, `hmac-sha256`, …
    pub scheme: String,
    /// The venue-level message text, when it is valid UTF-8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The exact signed bytes in hex, when they are not the message text itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_hex: Option<String>,
    /// The signature as the venue carries it.
    pub signature: String,
}

impl Envelope {
    /// The envelope as one JSON line (no trailing newline).
    pub fn to_json_line(&self) -> String {
        // Serialising plain strings, integers and maps cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }
}
