//! The envelope: one ready-to-send request (docs/format.md, "Envelope").
//!
//! Field order is part of the contract and is the declaration order below. `body` is the
//! exact text to send; nothing downstream may re-serialise it.

use serde::{Deserialize, Serialize};

use crate::Transport;
use crate::json::{Writer, push_u64};

/// One ready-to-send request, printed as one JSON line. Read back (`airsign verify`), an
/// unknown or repeated field, or a `"login":null`, is refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
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
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "login_frame"
    )]
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

/// A present `login` is a frame; `null` is refused (airsign omits the field instead).
fn login_frame<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    String::deserialize(d).map(Some)
}

impl<'de> Deserialize<'de> for Headers {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Headers;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object of header names and string values")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut m: A,
            ) -> Result<Headers, A::Error> {
                let mut out: Vec<(String, String)> = Vec::new();
                while let Some(k) = m.next_key::<String>()? {
                    let v = m.next_value::<serde_json::Value>()?;
                    let serde_json::Value::String(s) = v else {
                        return Err(serde::de::Error::custom("header values must be strings"));
                    };
                    if out.iter().any(|(name, _)| *name == k) {
                        return Err(serde::de::Error::custom("duplicate header"));
                    }
                    out.push((k, s));
                }
                Ok(Headers(out))
            }
        }
        d.deserialize_map(V)
    }
}

/// One signature and the message it covers. An unknown field in it is refused when an
/// envelope is read back (`airsign verify`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
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
        let mut out = String::with_capacity(self.json_line_capacity());
        self.write_json_line(&mut out);
        out
    }

    /// A capacity the JSON line fits in without growing (escapes aside).
    fn json_line_capacity(&self) -> usize {
        let text = |s: &Option<String>| s.as_ref().map_or(0, |t| t.len() * 5 / 4);
        256 + self.url.len()
            + text(&self.body)
            + text(&self.login)
            + self
                .headers
                .0
                .iter()
                .map(|(k, v)| k.len() + v.len() + 6)
                .sum::<usize>()
            + self
                .signed
                .iter()
                .map(|s| s.signature.len() + text(&s.message) + text(&s.message_hex) + 64)
                .sum::<usize>()
    }

    /// Appends the envelope as one JSON line (no trailing newline) to `out`.
    pub fn write_json_line(&self, out: &mut String) {
        // Written by hand (it is on every request's path): the same bytes as
        // `serde_json::to_string(self)`, which a test checks.
        const W: Writer = Writer {
            sort_keys: false,
            ensure_ascii: false,
        };
        fn opt(out: &mut String, v: Option<&str>) {
            match v {
                Some(s) => W.write_str(s, out),
                None => out.push_str("null"),
            }
        }
        out.reserve(self.json_line_capacity());
        out.push_str("{\"airsign\":");
        push_u64(out, u64::from(self.airsign));
        out.push_str(",\"venue\":");
        W.write_str(&self.venue, out);
        out.push_str(",\"action\":");
        W.write_str(&self.action, out);
        out.push_str(",\"transport\":");
        W.write_str(self.transport.as_str(), out);
        out.push_str(",\"method\":");
        opt(out, self.method.as_deref());
        out.push_str(",\"url\":");
        W.write_str(&self.url, out);
        out.push_str(",\"headers\":{");
        for (i, (k, v)) in self.headers.0.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            W.write_str(k, out);
            out.push(':');
            W.write_str(v, out);
        }
        out.push_str("},\"body\":");
        opt(out, self.body.as_deref());
        if let Some(login) = &self.login {
            out.push_str(",\"login\":");
            W.write_str(login, out);
        }
        out.push_str(",\"signer\":");
        opt(out, self.signer.as_deref());
        out.push_str(",\"signed\":[");
        for (i, s) in self.signed.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str("{\"scheme\":");
            W.write_str(&s.scheme, out);
            if let Some(m) = &s.message {
                out.push_str(",\"message\":");
                W.write_str(m, out);
            }
            if let Some(m) = &s.message_hex {
                out.push_str(",\"message_hex\":");
                W.write_str(m, out);
            }
            out.push_str(",\"signature\":");
            W.write_str(&s.signature, out);
            out.push('}');
        }
        out.push_str("],\"expires_at\":");
        match self.expires_at {
            Some(n) => push_u64(out, n),
            None => out.push_str("null"),
        }
        out.push('}');
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_hand_written_line_is_serde_json_s() {
        let mut e = Envelope {
            airsign: 1,
            venue: "ripio".into(),
            action: "cancel_order".into(),
            transport: Transport::Ws,
            method: None,
            url: "wss://x/\u{7f}\u{e9}".into(),
            headers: Headers(vec![("A".into(), "b\"\\\n".into())]),
            body: Some("{\"k\":\"\u{1}\u{1f600}\"}".into()),
            login: Some("login\t".into()),
            signer: None,
            signed: vec![
                Signed {
                    scheme: "s".into(),
                    message: Some("m\u{8}\u{c}".into()),
                    message_hex: Some("00".into()),
                    signature: "sig".into(),
                },
                Signed {
                    scheme: "t".into(),
                    message: None,
                    message_hex: None,
                    signature: "x".into(),
                },
            ],
            expires_at: Some(u64::MAX),
        };
        assert_eq!(e.to_json_line(), serde_json::to_string(&e).unwrap());
        e.login = None;
        e.method = Some("POST".into());
        e.transport = Transport::Rest;
        e.signer = Some("me".into());
        e.body = None;
        e.headers = Headers::default();
        e.signed.clear();
        e.expires_at = None;
        assert_eq!(e.to_json_line(), serde_json::to_string(&e).unwrap());
    }
}
