//! Writing the envelope from a checked request and the bearer token the prover handed
//! over: `DELETE <url>` with `Authorization: Bearer <token>`, no body. Nothing is signed.

use airsign_core::{Envelope, Error, ErrorCode, Headers, Proof, Result, Transport};
use airsign_keys::BearerToken;

use crate::request::CancelConversion;
use crate::{METHOD, NAME};

/// The envelope of `c` authorized by the one `Proof::Bearer` in `proofs`. Its
/// `expires_at` is the token's claimed JWT `exp` (unverified), if any.
pub(crate) fn assemble(c: &CancelConversion, proofs: &[Proof]) -> Result<Envelope> {
    let [Proof::Bearer(token)] = proofs else {
        return Err(Error::new(
            ErrorCode::RequestInvalid,
            Some("signatures"),
            "expected one bearer token, the request's only credential",
        ));
    };
    let token = BearerToken::from_key_file(token.as_bytes())?;
    Ok(Envelope {
        airsign: airsign_core::FORMAT_VERSION,
        venue: NAME.to_owned(),
        action: "cancel_conversion".to_owned(),
        transport: Transport::Rest,
        method: Some(METHOD.to_owned()),
        url: c.url(),
        // No body, so no Content-Type (docs/venues/layer1.md, "Envelope").
        headers: Headers(vec![(
            "Authorization".to_owned(),
            token.authorization_value(),
        )]),
        body: None,
        login: None,
        signer: None,
        signed: Vec::new(),
        // The token's own claim (unverified): Layer1 refuses the request after it.
        expires_at: token.expires_at_ms(),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::testing::{ID, jwt, req, run};
    use airsign_core::{Context, Request, SignerId, Venue};

    fn proof(token: &str) -> Proof {
        BearerToken::from_key_file(token.as_bytes())
            .unwrap()
            .to_proof()
    }

    #[test]
    fn envelope_shape() {
        let e = run(
            &req(r#","environment":"staging""#),
            "tok-1\n",
            1_700_000_000_000,
        )
        .unwrap();
        assert_eq!(
            e.to_json_line(),
            format!(
                r#"{{"airsign":1,"venue":"layer1","action":"cancel_conversion","transport":"rest","method":"DELETE","url":"https://api.staging.layer1.com/trade/v1/conversions/{ID}","headers":{{"Authorization":"Bearer tok-1"}},"body":null,"signer":null,"signed":[],"expires_at":null}}"#
            )
        );
        let e = run(
            &req(r#","base_url":"https://layer1.customer.example/api/""#),
            "tok-1",
            1_700_000_000_000,
        )
        .unwrap();
        assert_eq!(
            e.url,
            format!("https://layer1.customer.example/api/trade/v1/conversions/{ID}")
        );
    }

    #[test]
    fn assembly_takes_the_token_as_given_and_checks_nothing() {
        let c = Context::fixed(1_700_000_000_000, |ctx| {
            crate::VENUE.parse(&Request::parse(&req(""))?, ctx)
        })
        .unwrap();
        // A token past its exp still assembles: expiry is the prover's (and verify's) check.
        let token = jwt(r#"{"exp":1600000000}"#);
        let e = crate::VENUE
            .assemble(&c, &SignerId::Secret, &[], &[proof(&token)])
            .unwrap();
        assert_eq!(e.expires_at, Some(1_600_000_000_000));
        assert_eq!(
            e.headers.get("Authorization"),
            Some(format!("Bearer {token}").as_str())
        );
        for proofs in [
            vec![],
            vec![Proof::Hmac([0; 32])],
            vec![proof("a"), proof("b")],
        ] {
            let e = crate::VENUE
                .assemble(&c, &SignerId::Secret, &[], &proofs)
                .unwrap_err();
            assert_eq!(
                (e.code(), e.field()),
                (ErrorCode::RequestInvalid, Some("signatures"))
            );
        }
    }
}
