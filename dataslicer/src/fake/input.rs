//! What a user's `with` function receives.

use super::*;
/// What a `#[fake(with = path)]` function receives.
///
/// ```
/// use dataslicer::fake::FakeInput;
/// use rand::RngExt;
///
/// /// A nickname: the first name's initial and a number.
/// fn nickname(input: &mut FakeInput<'_>) -> String {
///     let initial = input.get("first_name").and_then(|n| n.chars().next()).unwrap_or('x');
///     let number: u16 = input.rng().random_range(1..1000);
///     format!("{initial}{number}")
/// }
///
/// // A with-function can be tried out on its own:
/// use rand::SeedableRng;
/// let mut rng = rand::rngs::ChaCha8Rng::seed_from_u64(7);
/// let row = [("first_name", Some("Ada")), ("phone", None)];
/// let nick = nickname(&mut FakeInput::new(&mut rng, "42", &row));
/// assert!(nick.starts_with('A'));
/// ```
pub struct FakeInput<'a> {
    rng: &'a mut ChaCha8Rng,
    key: &'a str,
    row: &'a [(&'a str, Option<&'a str>)],
}

impl<'a> FakeInput<'a> {
    /// An input for one row: its generator, its primary key as text and its
    /// other columns' output values (`None` for NULL).
    pub fn new(
        rng: &'a mut ChaCha8Rng,
        key: &'a str,
        row: &'a [(&'a str, Option<&'a str>)],
    ) -> Self {
        FakeInput { rng, key, row }
    }

    /// The row's generator, seeded from the run's seed, the table, the
    /// column and the row's key (or the original value, for a `consistent`
    /// column). Draw from it, never from a global or time-seeded generator,
    /// so that runs are reproducible.
    pub fn rng(&mut self) -> &mut ChaCha8Rng {
        self.rng
    }

    /// The row's primary key, as text.
    pub fn key(&self) -> &str {
        self.key
    }

    /// Another column's output value in this row (already faked, if that
    /// column is faked): `None` when it is NULL or there is no such column.
    pub fn get(&self, column: &str) -> Option<&str> {
        self.row
            .iter()
            .find(|(name, _)| *name == column)
            .and_then(|(_, value)| *value)
    }
}
