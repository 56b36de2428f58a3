//! Fake values: deterministic, length-safe, optionally unique.
//!
//! A [`ColumnFaker`] replaces one column's values in one table. The runtime
//! creates one per (table, faked column) and asks it for one value per row.
//!
//! # Determinism
//!
//! Every value comes from a [`ChaCha8Rng`] seeded with a SHA-256 of the run's
//! seed, the table, the column and the row's primary key (each part
//! length-prefixed, so `("ab", "c")` and `("a", "bc")` differ). The same
//! inputs give byte-identical output on every run and machine; another seed
//! gives other values. Nothing reads the clock or a global RNG. The streams of
//! the `fake` crate are only stable within one version, which is why it is
//! pinned exactly.
//!
//! # What is read
//!
//! A faked column's value is not read: the query selects only whether it is
//! NULL or empty (see [`ColumnRead`](crate::ColumnRead)), NULL and `''` (and
//! a JSON column's `null`, `""`, `{}`, `[]`) are written as they were, and
//! [`ColumnFaker::fake`] is called for the other rows only. Two kinds of
//! fake read the original, the only exceptions: `consistent` (below) and
//! `json(...)` (see [`json`]). Neither writes, shows or logs it: originals
//! are normalised and hashed in memory, and no error message holds one.
//!
//! # Consistent
//!
//! A `consistent` column seeds from the run's seed, the kind's name and the
//! *normalised* original instead of the key, so originals equal after
//! normalisation get equal fakes in every table and column of that kind (as
//! long as the columns' length limits agree; `consistent, unique` columns of
//! one kind share their memory, so they agree whatever their limits).
//! E-mail kinds are normalised trimmed and lowercase by default
//! (`GARY.DAVIES@x.example ` and `gary.davies@x.example` are one person),
//! other kinds not at all; `consistent(normalize = path)` names a
//! `fn(&str) -> String` of the user's ([`normalize`] has a few). A `with`
//! function can be consistent too: its generator is then seeded from the
//! normalised original. With `unique`, different originals never share a
//! fake (injective). Without the seed the mapping cannot be reversed; treat
//! the seed as a secret when the originals are.
//!
//! # Lengths
//!
//! A value never has more characters than `max_chars`. Values are shortened
//! so that they stay valid for their kind: an e-mail address shortens its
//! local part and keeps its `@` and domain (falling back to `x.io`, or
//! `x.test` for `safe_email`, only when the domain alone is too long); a phone
//! number drops its extension, then its punctuation, keeping a leading `+`;
//! a URL drops its path, then `www.`, then shortens its host name; sentences
//! and paragraphs are cut at a word boundary and end with a `.`; other text is
//! cut on a character boundary without a dangling space or hyphen. A kind
//! that cannot fit at all (a `uuid` in `varchar(10)`) is refused by
//! [`ColumnFaker::new`], naming the limit. A `with` function's output is
//! never shortened: a value over the limit is an error.
//!
//! # Uniqueness
//!
//! A `unique` column's values are unique within the slice and across slices
//! made with the same seed, so that `--if-exists merge` of a second slice
//! into a database holding the first never clashes. Kinds that take a suffix
//! (names, words, user names, e-mails, URLs, companies, prose) always carry a
//! tag of the row's key: for an integer key, the key through a seed-keyed
//! permutation of the numbers of its width, zero-padded (key 731 may give
//! `Jane 093`, `jane.doe.093@gmail.com`, `https://www.doe-093.com`; `n`
//! before a negative key's); two rows with different keys never share a value, in any run with
//! the seed. For text and UUID keys, and for `consistent, unique` columns
//! (keyed by the original), the tag is a ten-digit seed-keyed hash: two
//! different keys (or originals) share a fake across runs only if their
//! hashes and their drawn names both coincide. Where the tag does not fit
//! the column's limit, the value is kept unique within the run by a suffix
//! drawn from the row's generator, shortened to stay within the limit. Kinds
//! that a suffix would break (phone numbers, postal codes, street addresses,
//! IP addresses, UUIDs, dates) are drawn again on a collision within the run;
//! across runs they are unique by chance only (a UUID's 122 random bits make
//! a clash practically impossible; a phone number's digits do not). `with`
//! functions are called again on a collision. The values already in a
//! database a slice is merged into directly are avoided too
//! ([`ColumnFaker::reserve`]). If no unused value can be found,
//! [`ColumnFaker::fake`] fails with [`Error::Fake`] instead of returning a
//! duplicate.
//!
//! # JSON columns
//!
//! On a `json`/`jsonb` column every fake is valid JSON: a named kind's value
//! is a JSON string; a `value` constant or a `with` function's output is
//! written as it is when it is a JSON document, else as a JSON string. NULL
//! and JSON `null` (and `""`, `{}`, `[]`) are kept. To fake values inside the
//! documents instead, `#[fake(json(email = email, your_name = name))]`: see
//! [`json`].
//!
//! # Kinds
//!
//! Examples with seed 1, table `accounts_customer`, key `1`, locale `en`,
//! a column named after the kind, without and with a limit of 12 characters
//! (checked by a unit test against the generators):
//!
//! | kind | example | in `varchar(12)` |
//! |------|---------|------------------|
//! | `first_name` | `Eulah` | `Eulah` |
//! | `last_name` | `Mohr` | `Mohr` |
//! | `name` | `Maybelle Schaefer` | `Maybelle Sch` |
//! | `username` | `charley_sint` | `charley_sint` |
//! | `email` | `carmine_et@gmail.com` | `ca@gmail.com` |
//! | `safe_email` | `cathrine@example.com` | `cathr@x.test` |
//! | `phone_number` | `119.490.0910` | `119.490.0910` |
//! | `street_address` | `81308 Keven Plain` | `81308 Keven` |
//! | `city` | `South Lazaro Wisokystad` | `South Lazaro` |
//! | `postcode` | `39566-9312` | `39566-9312` |
//! | `country` | `Vietnam` | `Vietnam` |
//! | `company` | `Wyman and Sons` | `Wyman and So` |
//! | `job_title` | `Chief Sales Orchestrator` | `Chief Sales` |
//! | `url` | `https://www.ondricka.biz` | `https://o.io` |
//! | `ipv4` | `96.197.214.89` | (needs 15) |
//! | `ipv6` | `df20:1157:8cf9:6c8a:5098:2d75:7837:7660` | (needs 39) |
//! | `uuid` | `6b69bf6d-7bf2-46ae-bc9a-6c0b30acac6a` | (needs 36) |
//! | `word` | `magni` | `magni` |
//! | `sentence` | `Distinctio et aliquid quae.` | `Distinctio.` |
//! | `paragraph` | `Perspiciatis cumque saepe nisi quisquam explicabo non quia voluptatem. Quis nobis sed quae sed nam voluptatem dolor asperiores. Sit cumque vel facilis.` | `Perspiciati.` |
//! | `date` | `2019-05-15` | `2019-05-15` |
//! | `datetime` | `1983-07-07 21:30:16` | (needs 19) |
//!
//! `date` lies between 1970-01-01 and 2029-12-31; `datetime` too, and ends
//! in `+00` when the column is a `timestamptz`. A paragraph is 3 to 5
//! sentences on one line. `value = "..."` returns its constant;
//! `with = path` calls the function with a [`FakeInput`].
//!
//! # Locales
//!
//! Names, addresses, companies, phone numbers and e-mail providers follow the
//! [`Locale`]; where the `fake` crate has no data for a locale it uses its
//! English data. E-mail addresses, user names and URLs are always ASCII
//! (transliterated), since most applications validate them as such.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::str::FromStr;

use ::fake::faker::impls::address::CityNameGenFn;
use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};
use sha2::{Digest, Sha256};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use crate::model::{Column, FakeFn, FakeKind, NormalizeFn, SqlType, TableName};
use crate::{Error, Result};

/// Memory that several fakers of one run may share. A `Mutex`, so that a
/// run's fakers can move to the worker thread that writes their tables
/// (fakers that share memory always stay on one thread: see
/// [`ColumnFaker::shared_memory`]).
type Shared<T> = Arc<Mutex<T>>;

/// The hasher of the `unique` sets: they hold fakes we made and
/// fingerprints that are already hashes, so a multiply-rotate hash does
/// (SipHash's resistance to chosen keys is not needed, and it took a
/// tenth of the faking time).
type FastHash = std::hash::BuildHasherDefault<FastHasher>;

/// Every fake a `unique` column gave.
type Used = HashSet<Box<str>, FastHash>;

/// The fake each original got (by fingerprint), for `consistent, unique`.
type ByOriginal = HashMap<[u8; 16], Box<str>, FastHash>;

/// See [`FastHash`]: FxHash's mixing, eight bytes at a time.
#[derive(Default)]
struct FastHasher(u64);

impl std::hash::Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            self.mix(u64::from_le_bytes(chunk.try_into().expect("8 bytes")));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut last = [0u8; 8];
            last[..rest.len()].copy_from_slice(rest);
            self.mix(u64::from_le_bytes(last));
        }
    }

    fn write_u8(&mut self, n: u8) {
        self.mix(u64::from(n));
    }

    fn write_usize(&mut self, n: usize) {
        self.mix(n as u64);
    }

    fn finish(&self) -> u64 {
        // The table uses the top bits for its control bytes: spread them.
        self.0 ^ (self.0 >> 29)
    }
}

impl FastHasher {
    fn mix(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

/// The shared memory, whatever a panicking holder left in it.
fn lock<T>(shared: &Shared<T>) -> MutexGuard<'_, T> {
    shared.lock().unwrap_or_else(PoisonError::into_inner)
}

#[macro_use]
mod locale;
mod draw;
mod input;
pub mod json;
pub mod normalize;
#[cfg(test)]
mod tests;
mod text;

use self::draw::*;
pub use self::input::FakeInput;
pub use self::locale::Locale;
use self::text::*;

/// How many times a row draws a new base value before giving up.
const MAX_DRAWS: usize = 64;
/// How many suffixes a `unique` row tries on one drawn value.
const SUFFIX_TRIES: usize = 8;
/// How many times a `unique` column calls a `with` function for one row.
const MAX_WITH_CALLS: usize = 16;
/// The widest numeric suffix (10^18 still fits in a `u64`).
const MAX_SUFFIX_DIGITS: u32 = 18;
/// How many suffixes of one width are tried before judging whether that
/// width is too crowded.
const SUFFIX_WINDOW: u32 = 64;
/// The first date drawn (days since 1970-01-01): 1970-01-01.
const FIRST_DAY: i64 = 0;
/// The last date drawn (days since 1970-01-01): 2029-12-31.
const LAST_DAY: i64 = 21_914;

/// Generates one column's fakes for one table.
///
/// Create one per (table, faked column) per run and call [`fake`](Self::fake)
/// once per row, rows in a deterministic order (a `unique` column's values
/// depend on the values before them only on a clash).
///
/// ```
/// use dataslicer::fake::{ColumnFaker, Locale};
/// use dataslicer::{Column, Fake, FakeKind, SqlType, TableName};
///
/// static EMAIL: Column = Column {
///     name: "email",
///     field: "email",
///     nullable: false,
///     sql_type: SqlType::Text,
///     rust_type: "String",
///     fake: Some(Fake {
///         kind: FakeKind::Email,
///         unique: true,
///         consistent: false,
///         normalize: None,
///         max_length: None,
///     }),
/// };
/// let table = TableName::new(None, "accounts_customer");
/// let mut faker = ColumnFaker::new(7, Locale::En, table, &EMAIL, Some(24)).unwrap();
/// let email = faker.fake("1", None, &[]).unwrap();
/// assert!(email.contains('@') && email.chars().count() <= 24);
/// ```
pub struct ColumnFaker {
    seed: u64,
    locale: Locale,
    table: TableName,
    /// The column's name (for a key inside JSON documents, `column.key`).
    column: String,
    /// The round keys of [`ColumnFaker::key_tag`]'s permutation, which
    /// depend on the seed, the table and the column only.
    tag_keys: [u8; 32],
    kind: FakeKind,
    tz: bool,
    consistent: bool,
    normalize: NormalizeFn,
    max_chars: Option<usize>,
    /// Whether the column is `json`/`jsonb`: values are written as JSON.
    json_column: bool,
    /// For a `json(...)` fake, one faker per named key.
    json_keys: Vec<(&'static str, ColumnFaker)>,
    /// Every value returned so far, for a `unique` column; shared by the
    /// `consistent, unique` columns of one kind (see [`ColumnFaker::share`]).
    used: Option<Shared<Used>>,
    /// The value given to each original, for a `consistent` and `unique`
    /// column, keyed by a hash of the normalised original; shared like `used`.
    by_original: Option<Shared<ByOriginal>>,
    /// The width of the numeric suffix tried first on a collision; grows when
    /// more than half the suffixes of this width are taken.
    suffix_digits: u32,
    /// Suffixes of `suffix_digits` digits tried, and found taken, lately.
    suffix_tries: u32,
    suffix_clashes: u32,
}

impl fmt::Debug for ColumnFaker {
    /// Leaves out the seed, which is the key to the `consistent` mapping.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ColumnFaker")
            .field("locale", &self.locale)
            .field("table", &self.table.to_string())
            .field("column", &self.column)
            .field("kind", &self.kind.name())
            .field("unique", &self.used.is_some())
            .field("consistent", &self.consistent)
            .field("max_chars", &self.max_chars)
            .field("values", &self.used.as_ref().map_or(0, |u| lock(u).len()))
            .finish()
    }
}

impl ColumnFaker {
    /// A faker for `column` of `table`.
    ///
    /// `max_chars` is the column's length limit in characters (from
    /// `varchar(n)`/`char(n)` in the live schema and the attribute's
    /// `max_length`: the caller passes the smaller); `None` means no limit.
    ///
    /// Fails with [`Error::Fake`], naming table, column and limit, when the
    /// column has no fake, when no valid value of the kind fits in
    /// `max_chars` (an `email` needs 6 characters, a `uuid` 36, an `ipv4`
    /// 15, ...), when a `value = "..."` constant is longer than the limit, or
    /// when a constant is asked to be `unique`.
    pub fn new(
        seed: u64,
        locale: Locale,
        table: TableName,
        column: &'static Column,
        max_chars: Option<usize>,
    ) -> Result<Self> {
        let error = |message: String| Error::Fake {
            table: table.to_string(),
            column: column.name.to_owned(),
            message,
        };
        let fake = column
            .fake
            .ok_or_else(|| error("the column has no `#[fake(...)]`".to_owned()))?;
        let tz = column.sql_type == SqlType::TimestampTz;
        if let Some(max) = max_chars {
            match fake.kind {
                FakeKind::Value(constant) if char_len(constant) > max => {
                    return Err(error(format!(
                        "the constant `{constant}` has {} characters, more than the column's limit of {max}",
                        char_len(constant)
                    )));
                }
                kind => {
                    let (min, example) = minimum(kind, tz);
                    if min > max {
                        return Err(error(format!(
                            "a `{}` needs at least {min} characters (like `{example}`), \
                             but the column's limit is {max}",
                            kind.name()
                        )));
                    }
                }
            }
        }
        if let (FakeKind::Value(constant), true) = (fake.kind, fake.unique) {
            return Err(error(format!(
                "`unique` cannot hold for `value = \"{constant}\"`: every row gets the same constant"
            )));
        }
        let mut faker = ColumnFaker::build(
            seed,
            locale,
            table,
            column.name.to_owned(),
            fake.kind,
            tz,
            fake.consistent,
            fake.normalizer(),
            max_chars,
            fake.unique,
        );
        if let FakeKind::Json(keys) = fake.kind {
            for key in keys {
                let (FakeKind::Value(_) | FakeKind::With(_) | FakeKind::Json(_)) = key.kind else {
                    // Values inside documents are derived from the original,
                    // like a `consistent` column, so that an e-mail gets one
                    // pseudonym in every document and column.
                    let sub = ColumnFaker::build(
                        seed,
                        locale,
                        table,
                        format!("{}.{}", column.name, key.key),
                        key.kind,
                        false,
                        true,
                        key.kind.default_normalizer(),
                        None,
                        false,
                    );
                    faker.json_keys.push((key.key, sub));
                    continue;
                };
                return Err(error(format!(
                    "key `{}` of `json(...)` needs a named kind such as `email`, not `{}`",
                    key.key,
                    key.kind.name()
                )));
            }
        }
        Ok(faker)
    }

    #[allow(clippy::too_many_arguments)]
    fn build(
        seed: u64,
        locale: Locale,
        table: TableName,
        column: String,
        kind: FakeKind,
        tz: bool,
        consistent: bool,
        normalize: NormalizeFn,
        max_chars: Option<usize>,
        unique: bool,
    ) -> ColumnFaker {
        let tag_keys = digest(
            seed,
            &[
                b"tag",
                table.schema.unwrap_or("").as_bytes(),
                table.name.as_bytes(),
                column.as_bytes(),
            ],
        );
        ColumnFaker {
            seed,
            locale,
            table,
            column,
            tag_keys,
            kind,
            tz,
            consistent,
            normalize,
            max_chars,
            json_column: false,
            json_keys: Vec::new(),
            used: unique.then(Arc::default),
            by_original: (unique && consistent).then(Arc::default),
            suffix_digits: 2,
            suffix_tries: 0,
            suffix_clashes: 0,
        }
    }

    /// Writes the values as JSON, for a `json`/`jsonb` column: a named
    /// kind's fake becomes a JSON string; a `value` constant or a `with`
    /// function's output is written as it is when it is a JSON document,
    /// else as a JSON string.
    pub fn json_column(mut self, json: bool) -> Self {
        self.json_column = json;
        self
    }

    /// Whether the column is `json`/`jsonb` (see [`ColumnFaker::json_column`]).
    pub fn is_json_column(&self) -> bool {
        self.json_column
    }

    /// Whether the column is `unique`.
    pub fn is_unique(&self) -> bool {
        self.used.is_some()
    }

    /// Marks values as taken, for a `unique` column: its fakes will not
    /// repeat them (the values already in a database a slice is merged into).
    pub fn reserve(&mut self, values: impl IntoIterator<Item = String>) {
        if let Some(used) = &self.used {
            lock(used).extend(values.into_iter().map(String::into_boxed_str));
        }
    }

    /// Identities of the memory this faker shares with others (its own
    /// `unique` set and those of its JSON keys): two fakers whose lists meet
    /// must make their fakes on one thread, in one order, for a run to be
    /// repeatable.
    pub fn shared_memory(&self) -> Vec<usize> {
        let mut ids: Vec<usize> = self
            .used
            .iter()
            .map(|u| Arc::as_ptr(u) as *const () as usize)
            .collect();
        for (_, sub) in &self.json_keys {
            ids.extend(sub.shared_memory());
        }
        ids
    }

    /// Whether this column's fakes must agree with `other`'s: both
    /// `consistent` and `unique`, of one kind, normaliser, limit and locale.
    pub fn agrees_with(&self, other: &ColumnFaker) -> bool {
        self.by_original.is_some()
            && other.by_original.is_some()
            && self.same_mapping(other)
            && self.max_chars == other.max_chars
    }

    fn same_mapping(&self, other: &ColumnFaker) -> bool {
        self.kind.name() == other.kind.name()
            && !matches!(self.kind, FakeKind::With(_) | FakeKind::Value(_))
            && self.consistent
            && other.consistent
            && std::ptr::fn_addr_eq(self.normalize, other.normalize)
            && self.locale == other.locale
            && self.seed == other.seed
    }

    /// Makes this column remember what `other` gave (and gives) each
    /// original, so that with `consistent, unique` an original gets the same
    /// fake in both, and no two originals share one, whichever table meets
    /// them first. Does nothing unless [`ColumnFaker::agrees_with`].
    ///
    /// The fakers of keys inside JSON documents (which have no length limit)
    /// join a `consistent, unique` column of their kind, normaliser and
    /// locale whatever its limit, and take its limit, so that an e-mail
    /// inside a document gets the pseudonym it gets in the column.
    pub fn share(&mut self, other: &ColumnFaker) {
        if self.agrees_with(other) {
            self.used.clone_from(&other.used);
            self.by_original.clone_from(&other.by_original);
        }
        for (_, sub) in &mut self.json_keys {
            if sub.by_original.is_none() && other.by_original.is_some() && sub.same_mapping(other) {
                sub.used.clone_from(&other.used);
                sub.by_original.clone_from(&other.by_original);
                sub.max_chars = other.max_chars;
            }
        }
    }

    /// The fake value for one row, as the text PostgreSQL will parse (the
    /// caller does the CSV quoting).
    ///
    /// `key` is the row's primary key as text. `original` is the original
    /// value, required for `consistent` and `json(...)` columns and ignored
    /// otherwise (NULL and empty rows are the caller's: this is never called
    /// for them). `row` holds the row's other output columns, for `with`
    /// functions.
    ///
    /// Fails with [`Error::Fake`] when a `with` function returns more
    /// characters than the limit, when a `unique` column finds no unused
    /// value, when a `consistent` column gets no original, or when a
    /// `json(...)` column holds a document that is not JSON. No error holds
    /// an original value.
    pub fn fake(
        &mut self,
        key: &str,
        original: Option<&str>,
        row: &[(&str, Option<&str>)],
    ) -> Result<String> {
        match self.kind {
            FakeKind::Value(constant) => return Ok(self.output(constant.to_owned(), true)),
            FakeKind::Json(_) => {
                let document = self.original(key, original)?;
                return self.fake_json(key, document);
            }
            _ => {}
        }
        let (mut rng, fingerprint, tag) = if self.consistent {
            let original = (self.normalize)(self.original(key, original)?);
            // Only a `unique` column remembers originals (by their hash).
            let fingerprint = self
                .by_original
                .as_ref()
                .map(|_| fingerprint(self.seed, &original));
            if let (Some(by_original), Some(fingerprint)) = (&self.by_original, &fingerprint)
                && let Some(value) = lock(by_original).get(fingerprint).cloned()
            {
                return Ok(self.output(value.to_string(), false));
            }
            let rng = seeded(
                self.seed,
                &[
                    b"consistent",
                    self.kind.name().as_bytes(),
                    original.as_bytes(),
                ],
            );
            let tag = self.is_unique().then(|| hash_tag(self.seed, &original));
            (rng, fingerprint, tag)
        } else {
            let rng = seeded(
                self.seed,
                &[
                    b"row",
                    self.table.schema.unwrap_or("").as_bytes(),
                    self.table.name.as_bytes(),
                    self.column.as_bytes(),
                    key.as_bytes(),
                ],
            );
            let tag = self.is_unique().then(|| self.key_tag(key));
            (rng, None, tag)
        };
        let value = match self.kind {
            FakeKind::With(function) => self.fake_with(function, &mut rng, key, row)?,
            _ => self.fake_builtin(&mut rng, key, tag.as_deref())?,
        };
        if let Some(used) = &self.used {
            lock(used).insert(value.as_str().into());
        }
        if let (Some(by_original), Some(fingerprint)) = (&self.by_original, fingerprint) {
            lock(by_original).insert(fingerprint, value.as_str().into());
        }
        let user_made = matches!(self.kind, FakeKind::With(_));
        Ok(self.output(value, user_made))
    }

    fn original<'o>(&self, key: &str, original: Option<&'o str>) -> Result<&'o str> {
        original.ok_or_else(|| {
            self.error(format!(
                "the fake needs the original value, but the row with key {key} came without it"
            ))
        })
    }

    /// The value as the column takes it: as it is, or for a JSON column as
    /// JSON (`user_made` values that are JSON documents as they are).
    fn output(&self, value: String, user_made: bool) -> String {
        if !self.json_column
            || (user_made && serde_json::from_str::<serde::de::IgnoredAny>(&value).is_ok())
        {
            return value;
        }
        serde_json::Value::String(value).to_string()
    }

    /// A document with the string values under the named keys faked.
    fn fake_json(&mut self, key: &str, document: &str) -> Result<String> {
        let table = self.table;
        let column = self.column.clone();
        let fakers = &mut self.json_keys;
        json::rewrite(document, &mut |name, value| {
            let Some((_, faker)) = fakers.iter_mut().find(|(k, _)| *k == name) else {
                return Ok(None);
            };
            faker.fake(key, Some(value), &[]).map(Some)
        })
        .map_err(|e| match e {
            json::Failure::Fake(e) => e,
            json::Failure::Syntax(at) => Error::Fake {
                table: table.to_string(),
                column,
                message: format!(
                    "the row with key {key} holds no valid JSON document (at byte {at}), \
                     so its keys cannot be faked"
                ),
            },
        })
    }

    /// A tag of the row's key that no other key gets, for `unique` fakes
    /// that stay unique across runs: for an integer key, the key through a
    /// seed-keyed permutation of the numbers of its width (zero-padded,
    /// `n` before a negative one's); for another key, a seed-keyed hash.
    fn key_tag(&self, key: &str) -> String {
        let round_keys = &self.tag_keys;
        match key.parse::<i64>() {
            Ok(number) if number.to_string() == key => {
                let magnitude = number.unsigned_abs();
                let width = magnitude.to_string().len() as u32;
                let permuted = permute(magnitude, width, round_keys);
                let sign = if number < 0 { "n" } else { "" };
                format!("{sign}{permuted:0width$}", width = width as usize)
            }
            _ => hash_tag(self.seed, key),
        }
    }

    /// A value from the user's function, checked against the limit and, for
    /// a `unique` column, called again (with the generator moved on) until
    /// its output is unused.
    fn fake_with(
        &self,
        function: FakeFn,
        rng: &mut ChaCha8Rng,
        key: &str,
        row: &[(&str, Option<&str>)],
    ) -> Result<String> {
        for _ in 0..MAX_WITH_CALLS {
            let value = function(&mut FakeInput::new(rng, key, row));
            if let Some(max) = self.max_chars {
                let len = char_len(&value);
                if len > max {
                    return Err(self.error(format!(
                        "the `with` function returned {len} characters for the row with key {key}, \
                         more than the column's limit of {max}"
                    )));
                }
            }
            if self.is_unused(&value) {
                return Ok(value);
            }
        }
        Err(self.error(format!(
            "the column is `unique` but the `with` function returned only values already used \
             for the row with key {key} ({MAX_WITH_CALLS} calls)"
        )))
    }

    /// A value of a built-in kind, within the limit and, for a `unique`
    /// column, unused. With a `tag` (a `unique` column), kinds that take a
    /// suffix carry the tag as their suffix, so that rows with different
    /// keys (or originals) never share a value, in this run or another with
    /// the same seed; where the tag does not fit, a suffix drawn in this
    /// run keeps the value unique within the run.
    fn fake_builtin(
        &mut self,
        rng: &mut ChaCha8Rng,
        key: &str,
        tag: Option<&str>,
    ) -> Result<String> {
        let max = self.max_chars.unwrap_or(usize::MAX);
        let tz = self.tz;
        for _ in 0..MAX_DRAWS {
            let draw =
                with_locale_data!(self.locale, l => draw(l, self.kind, self.locale, tz, rng));
            if let (Some(tag), true) = (tag, draw.takes_suffix())
                && let Some(value) = draw.render(max, Some(tag))
            {
                if self.is_unused(&value) {
                    return Ok(value);
                }
                continue;
            }
            let Some(value) = draw.render(max, None) else {
                continue;
            };
            if self.is_unused(&value) {
                return Ok(value);
            }
            if draw.takes_suffix()
                && let Some(value) = self.suffixed(&draw, max, rng)
            {
                return Ok(value);
            }
        }
        let limit = match self.max_chars {
            Some(max) => format!("within the column's limit of {max} characters"),
            None => "at all".to_owned(),
        };
        Err(self.error(format!(
            "the column is `unique` but no unused `{}` could be found {limit} for the row with key {key} \
             after {MAX_DRAWS} draws: there are more rows than this kind can tell apart",
            self.kind.name()
        )))
    }

    /// `draw` made unique with a numeric suffix, if one fits and is unused.
    ///
    /// The suffix is drawn from the row's generator. Within a row it widens
    /// after every second collision; across rows the starting width grows
    /// only when most suffixes of that width are taken, so that values keep
    /// as much of their text as the column's fill allows.
    fn suffixed(&mut self, draw: &Draw, max: usize, rng: &mut ChaCha8Rng) -> Option<String> {
        let mut digits = self.suffix_digits;
        for attempt in 1..=SUFFIX_TRIES {
            let low = 10u64.pow(digits - 1);
            let number = rng.random_range(low..low * 10);
            let Some(value) = draw.render(max, Some(&number.to_string())) else {
                // Too wide for the limit: narrow it, down to one digit.
                if digits == 1 {
                    return None;
                }
                digits -= 1;
                continue;
            };
            let unused = self.is_unused(&value);
            if digits == self.suffix_digits {
                self.count_suffix(!unused);
            }
            if unused {
                return Some(value);
            }
            if attempt % 2 == 0 && digits < MAX_SUFFIX_DIGITS {
                digits += 1;
            }
        }
        None
    }

    /// Counts a suffix of the starting width; widens it when more than half
    /// of the last [`SUFFIX_WINDOW`] were taken.
    fn count_suffix(&mut self, clash: bool) {
        self.suffix_tries += 1;
        self.suffix_clashes += u32::from(clash);
        if self.suffix_tries == SUFFIX_WINDOW {
            if self.suffix_clashes * 2 > SUFFIX_WINDOW && self.suffix_digits < MAX_SUFFIX_DIGITS {
                self.suffix_digits += 1;
            }
            self.suffix_tries = 0;
            self.suffix_clashes = 0;
        }
    }

    fn is_unused(&self, value: &str) -> bool {
        self.used
            .as_ref()
            .is_none_or(|used| !lock(used).contains(value))
    }

    fn error(&self, message: String) -> Error {
        Error::Fake {
            table: self.table.to_string(),
            column: self.column.clone(),
            message,
        }
    }

    /// This faker and those of the keys inside its JSON documents.
    pub fn members(&self) -> impl Iterator<Item = &ColumnFaker> {
        std::iter::once(self).chain(self.json_keys.iter().map(|(_, f)| f))
    }
}

/// The fewest characters a valid value of `kind` needs, with an example.
fn minimum(kind: FakeKind, tz: bool) -> (usize, &'static str) {
    match kind {
        FakeKind::Email => (6, "a@x.io"),
        FakeKind::SafeEmail => (8, "a@x.test"),
        FakeKind::PhoneNumber => (7, "5550123"),
        FakeKind::Postcode => (4, "1234"),
        FakeKind::Url => (12, "https://x.io"),
        FakeKind::Ipv4 => (15, "255.255.255.255"),
        FakeKind::Ipv6 => (39, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"),
        FakeKind::Uuid => (36, "0b5e6f2c-8a0e-4c57-9d1e-3f4a5b6c7d8e"),
        FakeKind::Date => (10, "2024-01-31"),
        FakeKind::DateTime if tz => (22, "2024-01-31 12:00:00+00"),
        FakeKind::DateTime => (19, "2024-01-31 12:00:00"),
        FakeKind::Value(constant) => (char_len(constant), constant),
        FakeKind::With(_) | FakeKind::Json(_) => (0, ""),
        FakeKind::FirstName
        | FakeKind::LastName
        | FakeKind::Name
        | FakeKind::Username
        | FakeKind::StreetAddress
        | FakeKind::City
        | FakeKind::Country
        | FakeKind::Company
        | FakeKind::JobTitle
        | FakeKind::Word
        | FakeKind::Sentence
        | FakeKind::Paragraph => (1, "a"),
    }
}

/// A generator seeded with a SHA-256 of the seed and the length-prefixed parts.
fn seeded(seed: u64, parts: &[&[u8]]) -> ChaCha8Rng {
    ChaCha8Rng::from_seed(digest(seed, parts))
}

fn digest(seed: u64, parts: &[&[u8]]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(b"dataslicer.fake.v1");
    hasher.update(seed.to_le_bytes());
    for part in parts {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part);
    }
    hasher.finalize().into()
}

/// A keyed permutation of the numbers of `width` decimal digits (below
/// `10^width`): a four-round Feistel network on the smallest even number of
/// bits that holds them, walked until the result is in range.
fn permute(n: u64, width: u32, keys: &[u8; 32]) -> u64 {
    let domain = 10u128.pow(width);
    let mut bits = 128 - (domain - 1).leading_zeros();
    bits += bits % 2;
    let half = bits / 2;
    let mask = (1u128 << half) - 1;
    let round = |r: usize, x: u128| -> u128 {
        let mut key = [0u8; 8];
        key.copy_from_slice(&keys[r * 8..r * 8 + 8]);
        let mut z = (x as u64) ^ u64::from_le_bytes(key);
        // splitmix64's finaliser.
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        u128::from(z ^ (z >> 31)) & mask
    };
    let mut x = u128::from(n);
    loop {
        let (mut left, mut right) = (x >> half, x & mask);
        for r in 0..4 {
            (left, right) = (right, left ^ round(r, right));
        }
        x = (left << half) | right;
        if x < domain {
            return x as u64;
        }
    }
}

/// A ten-digit seed-keyed hash of `text`, for the tag of a text key or an
/// original.
fn hash_tag(seed: u64, text: &str) -> String {
    let digest = digest(seed, &[b"tag", text.as_bytes()]);
    let mut n = [0u8; 8];
    n.copy_from_slice(&digest[..8]);
    format!("{:010}", u64::from_le_bytes(n) % 10_000_000_000)
}

/// A hash of an original value, to remember its fake without holding it.
fn fingerprint(seed: u64, original: &str) -> [u8; 16] {
    let digest = digest(seed, &[b"original", original.as_bytes()]);
    let mut fingerprint = [0; 16];
    fingerprint.copy_from_slice(&digest[..16]);
    fingerprint
}
