//! Helpers for the venues' fast paths, which read a plain request straight from its text
//! and give up (hand it to the general path) at anything they do not take in full.

use serde::de;

/// The error that only means "not the fast path" (never shown to anyone).
pub fn not_fast<E: de::Error>() -> E {
    E::custom("not the fast path")
}

/// Reads the `venue` value into `slot`: "not fast" unless it is `expected` (another
/// venue's request stops being read at once) and seen only once.
pub fn venue<'de, A: de::MapAccess<'de>>(
    m: &mut A,
    slot: &mut Option<&'de str>,
    expected: &str,
) -> std::result::Result<(), A::Error> {
    let v = m.next_value::<&'de str>()?;
    if v != expected {
        return Err(not_fast());
    }
    once(slot, v)
}

/// Sets a field once; a second occurrence (a duplicate key) is "not fast".
pub fn once<T, E: de::Error>(slot: &mut Option<T>, v: T) -> std::result::Result<(), E> {
    if slot.is_some() {
        return Err(not_fast());
    }
    *slot = Some(v);
    Ok(())
}

/// An object a fast path reads key by key, straight from the text: start from
/// `Default`, take each key with [`Fields::field`], then check [`Fields::complete`].
/// Read it through [`Obj`].
pub trait Fields<'de>: Default {
    /// What the object is (for serde's own messages, which are never shown).
    const WHAT: &'static str;
    /// Reads the value of `key` from `m`; "not fast" for a key it does not take.
    fn field<A: de::MapAccess<'de>>(
        &mut self,
        key: &'de str,
        m: &mut A,
    ) -> std::result::Result<(), A::Error>;
    /// Whether every key the object needs was there (checked after the last key).
    fn complete(&self) -> bool {
        true
    }
}

/// A [`Fields`] object as serde reads it: a JSON object, or "not fast".
pub struct Obj<T>(pub T);

impl<'de, T: Fields<'de>> de::Deserialize<'de> for Obj<T> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Fields<'de>> de::Visitor<'de> for V<T> {
            type Value = Obj<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(T::WHAT)
            }
            fn visit_map<A: de::MapAccess<'de>>(
                self,
                mut m: A,
            ) -> std::result::Result<Obj<T>, A::Error> {
                let mut t = T::default();
                while let Some(key) = m.next_key::<&'de str>()? {
                    t.field(key, &mut m)?;
                }
                if !t.complete() {
                    return Err(not_fast());
                }
                Ok(Obj(t))
            }
        }
        d.deserialize_map(V(std::marker::PhantomData))
    }
}
