//! Properties of secp256k1 signing: every signature recovers to its signer, is low-s,
//! carries v = 27/28, and is deterministic (RFC 6979).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use airsign_keys::Secp256k1Signer;
use airsign_keys::eth::{EthSignature, eip191_hash, eip191_message, keccak256};
use proptest::prelude::*;

/// n/2, big-endian: a low-s signature has s <= this.
const HALF_N: [u8; 32] = [
    0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0x5d, 0x57, 0x6e, 0x73, 0x57, 0xa4, 0x50, 0x1d, 0xdf, 0xe9, 0x2f, 0x46, 0x68, 0x1b, 0x20, 0xa0,
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn sign_recover_round_trip(seed in any::<[u8; 32]>(), msg in proptest::collection::vec(any::<u8>(), 0..200)) {
        // Any 32 bytes hashed is a valid scalar with overwhelming probability.
        let key = keccak256(&seed);
        let signer = Secp256k1Signer::from_bytes(&key).unwrap();
        let sig = signer.sign_eip191(&msg).unwrap();
        prop_assert!(sig.v == 27 || sig.v == 28);
        prop_assert!(sig.s <= HALF_N);
        prop_assert_eq!(sig.recover_eip191(&msg), Some(signer.address()));
        prop_assert_eq!(signer.sign_eip191(&msg).unwrap(), sig);
        let parsed = EthSignature::parse_hex(&sig.to_hex()).unwrap();
        prop_assert_eq!(parsed, sig);
        prop_assert_eq!(keccak256(&eip191_message(&msg)), eip191_hash(&msg));
        // A different message recovers to someone else.
        let mut other = msg.clone();
        other.push(0);
        prop_assert_ne!(sig.recover_eip191(&other), Some(signer.address()));
    }
}
