//! Fake values: deterministic, length-safe, optionally unique.
//!
//! (Being written: see the module contract in the helper's task.)

/// What a `#[fake(with = path)]` function receives.
pub struct FakeInput<'a> {
    _marker: std::marker::PhantomData<&'a ()>,
}
