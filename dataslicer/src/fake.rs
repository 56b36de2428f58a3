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
//! A `consistent` column seeds from the run's seed, the kind's name and the
//! *original* value instead of the key, so equal originals get equal fakes in
//! every table and column of that kind (as long as the columns' length limits
//! agree). Without the seed the mapping cannot be reversed; treat the seed as
//! a secret when the originals are.
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
//! A `unique` column remembers every value it returned. On a collision, text
//! kinds get a numeric suffix drawn from the row's own generator (`Jane 482`,
//! `jane.doe.482@gmail.com`, `https://www.doe-482.com`), shortened to stay
//! within the limit; kinds that a suffix would break (phone numbers, postal
//! codes, street addresses, IP addresses, UUIDs, dates) are drawn again. If no unused value can be
//! found, [`ColumnFaker::fake`] fails with [`Error::Fake`] instead of
//! returning a duplicate. A `consistent` and `unique` column gives one fake
//! per distinct original and never gives two originals the same fake.
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

use crate::model::{Column, FakeFn, FakeKind, SqlType, TableName};
use crate::{Error, Result};

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

// ---------------------------------------------------------------------------
// Locale

/// Locale for names, addresses and the like: every locale `fake` 5.1 ships.
/// English by default.
///
/// ```
/// use dataslicer::fake::Locale;
///
/// let locale: Locale = "FR-fr".parse().unwrap();
/// assert_eq!(locale, Locale::FrFr);
/// assert_eq!(locale.name(), "fr_FR");
/// assert!("xx".parse::<Locale>().unwrap_err().to_string().contains("de_DE"));
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Locale {
    /// English (`en`).
    #[default]
    En,
    /// French, France (`fr_FR`).
    FrFr,
    /// German, Germany (`de_DE`).
    DeDe,
    /// Italian, Italy (`it_IT`).
    ItIt,
    /// Dutch, Netherlands (`nl_NL`).
    NlNl,
    /// Portuguese, Brazil (`pt_BR`).
    PtBr,
    /// Portuguese, Portugal (`pt_PT`).
    PtPt,
    /// Turkish, Turkey (`tr_TR`).
    TrTr,
    /// Welsh, United Kingdom (`cy_GB`).
    CyGb,
    /// Arabic, Saudi Arabia (`ar_SA`).
    ArSa,
    /// Persian, Iran (`fa_IR`).
    FaIr,
    /// Japanese, Japan (`ja_JP`).
    JaJp,
    /// Chinese, China (`zh_CN`).
    ZhCn,
    /// Chinese, Taiwan (`zh_TW`).
    ZhTw,
}

impl Locale {
    /// Every locale, in the order error messages list them.
    pub const ALL: &'static [Locale] = &[
        Locale::En,
        Locale::FrFr,
        Locale::DeDe,
        Locale::ItIt,
        Locale::NlNl,
        Locale::PtBr,
        Locale::PtPt,
        Locale::TrTr,
        Locale::CyGb,
        Locale::ArSa,
        Locale::FaIr,
        Locale::JaJp,
        Locale::ZhCn,
        Locale::ZhTw,
    ];

    /// The locale's name: `en`, `fr_FR`, `de_DE`, ...
    pub fn name(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::FrFr => "fr_FR",
            Locale::DeDe => "de_DE",
            Locale::ItIt => "it_IT",
            Locale::NlNl => "nl_NL",
            Locale::PtBr => "pt_BR",
            Locale::PtPt => "pt_PT",
            Locale::TrTr => "tr_TR",
            Locale::CyGb => "cy_GB",
            Locale::ArSa => "ar_SA",
            Locale::FaIr => "fa_IR",
            Locale::JaJp => "ja_JP",
            Locale::ZhCn => "zh_CN",
            Locale::ZhTw => "zh_TW",
        }
    }

    /// Whether a street address puts the building number after the street
    /// (`Hauptstraße 12`) rather than before it (`12 Main Street`).
    fn number_after_street(self) -> bool {
        matches!(
            self,
            Locale::DeDe
                | Locale::ItIt
                | Locale::NlNl
                | Locale::PtBr
                | Locale::PtPt
                | Locale::TrTr
                | Locale::FaIr
                | Locale::ZhCn
        )
    }
}

impl fmt::Display for Locale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Locale {
    type Err = Error;

    /// Parses a locale name, ignoring case and accepting `-` for `_`
    /// (`fr_FR`, `fr-fr`, `EN`).
    fn from_str(s: &str) -> Result<Self> {
        let wanted = s.trim().replace('-', "_");
        Locale::ALL
            .iter()
            .copied()
            .find(|locale| locale.name().eq_ignore_ascii_case(&wanted))
            .ok_or_else(|| {
                let names: Vec<&str> = Locale::ALL.iter().map(|l| l.name()).collect();
                Error::Usage(format!(
                    "unknown locale `{s}`: expected one of {}",
                    names.join(", ")
                ))
            })
    }
}

/// Runs `$body` with `$l` bound to the `fake` crate's data for `$locale`.
macro_rules! with_locale_data {
    ($locale:expr, $l:ident => $body:expr) => {
        match $locale {
            Locale::En => {
                let $l = ::fake::locales::EN;
                $body
            }
            Locale::FrFr => {
                let $l = ::fake::locales::FR_FR;
                $body
            }
            Locale::DeDe => {
                let $l = ::fake::locales::DE_DE;
                $body
            }
            Locale::ItIt => {
                let $l = ::fake::locales::IT_IT;
                $body
            }
            Locale::NlNl => {
                let $l = ::fake::locales::NL_NL;
                $body
            }
            Locale::PtBr => {
                let $l = ::fake::locales::PT_BR;
                $body
            }
            Locale::PtPt => {
                let $l = ::fake::locales::PT_PT;
                $body
            }
            Locale::TrTr => {
                let $l = ::fake::locales::TR_TR;
                $body
            }
            Locale::CyGb => {
                let $l = ::fake::locales::CY_GB;
                $body
            }
            Locale::ArSa => {
                let $l = ::fake::locales::AR_SA;
                $body
            }
            Locale::FaIr => {
                let $l = ::fake::locales::FA_IR;
                $body
            }
            Locale::JaJp => {
                let $l = ::fake::locales::JA_JP;
                $body
            }
            Locale::ZhCn => {
                let $l = ::fake::locales::ZH_CN;
                $body
            }
            Locale::ZhTw => {
                let $l = ::fake::locales::ZH_TW;
                $body
            }
        }
    };
}

// ---------------------------------------------------------------------------
// FakeInput

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

// ---------------------------------------------------------------------------
// ColumnFaker

/// Generates one column's fakes for one table.
///
/// Create one per (table, faked column) per run and call [`fake`](Self::fake)
/// once per row, rows in a deterministic order (a `unique` column's values
/// depend on the values before them).
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
///     fake: Some(Fake { kind: FakeKind::Email, unique: true, consistent: false, max_length: None }),
/// };
/// let table = TableName::new(None, "accounts_customer");
/// let mut faker = ColumnFaker::new(7, Locale::En, table, &EMAIL, Some(20)).unwrap();
/// let email = faker.fake("1", None, &[]).unwrap();
/// assert!(email.contains('@') && email.chars().count() <= 20);
/// ```
pub struct ColumnFaker {
    seed: u64,
    locale: Locale,
    table: TableName,
    column: &'static Column,
    kind: FakeKind,
    consistent: bool,
    max_chars: Option<usize>,
    /// Every value returned so far, for a `unique` column.
    used: Option<HashSet<Box<str>>>,
    /// The value given to each original, for a `consistent` and `unique`
    /// column, keyed by a hash of the original.
    by_original: Option<HashMap<[u8; 16], Box<str>>>,
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
            .field("column", &self.column.name)
            .field("kind", &self.kind.name())
            .field("unique", &self.used.is_some())
            .field("consistent", &self.consistent)
            .field("max_chars", &self.max_chars)
            .field("values", &self.used.as_ref().map_or(0, HashSet::len))
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
        Ok(ColumnFaker {
            seed,
            locale,
            table,
            column,
            kind: fake.kind,
            consistent: fake.consistent,
            max_chars,
            used: fake.unique.then(HashSet::new),
            by_original: (fake.unique && fake.consistent).then(HashMap::new),
            suffix_digits: 2,
            suffix_tries: 0,
            suffix_clashes: 0,
        })
    }

    /// The fake value for one row, as the text PostgreSQL will parse (the
    /// caller does the CSV quoting).
    ///
    /// `key` is the row's primary key as text. `original` is the original
    /// value, required for `consistent` columns and ignored otherwise (NULL
    /// rows are the caller's: this is never called for them). `row` holds the
    /// row's other output columns, for `with` functions.
    ///
    /// Fails with [`Error::Fake`] when a `with` function returns more
    /// characters than the limit, when a `unique` column finds no unused
    /// value, or when a `consistent` column gets no original.
    pub fn fake(
        &mut self,
        key: &str,
        original: Option<&str>,
        row: &[(&str, Option<&str>)],
    ) -> Result<String> {
        if let FakeKind::Value(constant) = self.kind {
            return Ok(constant.to_owned());
        }
        let (mut rng, fingerprint) = if self.consistent {
            let original = original.ok_or_else(|| {
                self.error(format!(
                    "the column is `consistent` but the row with key {key} came without its original value"
                ))
            })?;
            // Only a `unique` column remembers originals (by their hash).
            let fingerprint = self
                .by_original
                .as_ref()
                .map(|_| fingerprint(self.seed, original));
            if let (Some(by_original), Some(fingerprint)) = (&self.by_original, &fingerprint)
                && let Some(value) = by_original.get(fingerprint)
            {
                return Ok(value.to_string());
            }
            let rng = seeded(
                self.seed,
                &[
                    b"consistent",
                    self.kind.name().as_bytes(),
                    original.as_bytes(),
                ],
            );
            (rng, fingerprint)
        } else {
            let rng = seeded(
                self.seed,
                &[
                    b"row",
                    self.table.schema.unwrap_or("").as_bytes(),
                    self.table.name.as_bytes(),
                    self.column.name.as_bytes(),
                    key.as_bytes(),
                ],
            );
            (rng, None)
        };
        let value = match self.kind {
            FakeKind::With(function) => self.fake_with(function, &mut rng, key, row)?,
            _ => self.fake_builtin(&mut rng, key)?,
        };
        if let Some(used) = &mut self.used {
            used.insert(value.as_str().into());
        }
        if let (Some(by_original), Some(fingerprint)) = (&mut self.by_original, fingerprint) {
            by_original.insert(fingerprint, value.as_str().into());
        }
        Ok(value)
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
    /// column, unused.
    fn fake_builtin(&mut self, rng: &mut ChaCha8Rng, key: &str) -> Result<String> {
        let max = self.max_chars.unwrap_or(usize::MAX);
        let tz = self.column.sql_type == SqlType::TimestampTz;
        for _ in 0..MAX_DRAWS {
            let draw =
                with_locale_data!(self.locale, l => draw(l, self.kind, self.locale, tz, rng));
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
        self.used.as_ref().is_none_or(|used| !used.contains(value))
    }

    fn error(&self, message: String) -> Error {
        Error::Fake {
            table: self.table.to_string(),
            column: self.column.name.to_owned(),
            message,
        }
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
        FakeKind::With(_) => (0, ""),
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

// ---------------------------------------------------------------------------
// Seeding

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

/// A hash of an original value, to remember its fake without holding it.
fn fingerprint(seed: u64, original: &str) -> [u8; 16] {
    let digest = digest(seed, &[b"original", original.as_bytes()]);
    let mut fingerprint = [0; 16];
    fingerprint.copy_from_slice(&digest[..16]);
    fingerprint
}

// ---------------------------------------------------------------------------
// Drawing

/// A drawn value, in a shape that knows how to shorten itself and take a
/// uniqueness suffix.
#[derive(Debug)]
enum Draw {
    /// Names, words, places: cut on a character boundary; the suffix goes
    /// after `sep` (or directly, when the separator does not fit).
    Text { text: String, sep: &'static str },
    /// Sentences and paragraphs: cut at a word boundary, ending in `.`.
    Prose(String),
    /// `local@domain`; `short_domain` replaces a domain that leaves no room.
    Email {
        local: String,
        domain: String,
        short_domain: &'static str,
    },
    /// A phone number: loses its extension, then its punctuation.
    Phone(String),
    /// A street address: the street shortens, the building number stays.
    Address {
        street: String,
        number: String,
        number_after: bool,
    },
    /// `https://[www.]label.tld[/path]`.
    Url {
        label: String,
        tld: String,
        www: bool,
        path: String,
    },
    /// A code that a suffix would break (postal code, IP address, UUID,
    /// date): cut if it must be, drawn again on a collision.
    Code(String),
}

impl Draw {
    fn text(text: String) -> Draw {
        Draw::Text {
            text: tidy(&text),
            sep: " ",
        }
    }

    fn takes_suffix(&self) -> bool {
        !matches!(self, Draw::Phone(_) | Draw::Address { .. } | Draw::Code(_))
    }

    /// The value in at most `max` characters, with `suffix` worked in; `None`
    /// when it cannot fit.
    fn render(&self, max: usize, suffix: Option<&str>) -> Option<String> {
        match (self, suffix) {
            (Draw::Text { text, .. }, None) => Some(shorten_text(text, max)),
            (Draw::Text { text, sep }, Some(suffix)) => [*sep, ""].iter().find_map(|sep| {
                let room = max.checked_sub(char_len(suffix) + sep.len())?;
                (room >= 1).then(|| format!("{}{sep}{suffix}", shorten_text(text, room)))
            }),
            (Draw::Prose(text), None) => Some(shorten_prose(text, max)),
            (Draw::Prose(text), Some(suffix)) => {
                let body = text.trim_end_matches('.');
                let room = max
                    .checked_sub(char_len(suffix) + 2)
                    .filter(|room| *room >= 1)?;
                let body = if char_len(body) <= room {
                    body
                } else {
                    cut_at_word(body, room)
                };
                Some(format!("{body} {suffix}."))
            }
            (
                Draw::Email {
                    local,
                    domain,
                    short_domain,
                },
                suffix,
            ) => {
                let suffixes = match suffix {
                    Some(suffix) => vec![format!(".{suffix}"), suffix.to_owned()],
                    None => vec![String::new()],
                };
                [domain.as_str(), short_domain].iter().find_map(|domain| {
                    suffixes.iter().find_map(|suffix| {
                        let room = max.checked_sub(1 + domain.len() + suffix.len())?;
                        (room >= 1)
                            .then(|| format!("{}{suffix}@{domain}", shorten_handle(local, room)))
                    })
                })
            }
            (Draw::Phone(number), None) => Some(shorten_phone(number, max)),
            (
                Draw::Address {
                    street,
                    number,
                    number_after,
                },
                None,
            ) => {
                let join = |street: &str| match number_after {
                    true => format!("{street} {number}"),
                    false => format!("{number} {street}"),
                };
                let whole = join(street);
                if char_len(&whole) <= max {
                    return Some(whole);
                }
                Some(match max.checked_sub(char_len(number) + 1) {
                    Some(room) if room >= 1 => join(&shorten_text(street, room)),
                    _ => shorten_text(&whole, max),
                })
            }
            (
                Draw::Url {
                    label,
                    tld,
                    www,
                    path,
                },
                suffix,
            ) => {
                let suffix = suffix.map(|s| format!("-{s}")).unwrap_or_default();
                let url = |www: bool, label: &str, tld: &str, path: &str| {
                    let www = if www { "www." } else { "" };
                    let path = if path.is_empty() {
                        String::new()
                    } else {
                        format!("/{path}")
                    };
                    format!("https://{www}{label}{suffix}.{tld}{path}")
                };
                let whole = [(*www, path.as_str()), (*www, ""), (false, "")]
                    .into_iter()
                    .map(|(www, path)| url(www, label, tld, path))
                    .find(|url| url.len() <= max);
                whole.or_else(|| {
                    [tld.as_str(), "io"].iter().find_map(|tld| {
                        let room = max.checked_sub("https://.".len() + suffix.len() + tld.len())?;
                        (room >= 1).then(|| url(false, &shorten_handle(label, room), tld, ""))
                    })
                })
            }
            (Draw::Code(code), None) => Some(shorten_text(code, max)),
            (Draw::Phone(_) | Draw::Address { .. } | Draw::Code(_), Some(_)) => None,
        }
    }
}

/// Draws one value of a built-in kind from the locale's data.
fn draw<L: CityNameGenFn>(
    l: L,
    kind: FakeKind,
    locale: Locale,
    tz: bool,
    rng: &mut ChaCha8Rng,
) -> Draw {
    use ::fake::faker::address::raw::{
        BuildingNumber, CityName, CountryName, PostCode, StreetName,
    };
    use ::fake::faker::company::raw::CompanyName;
    use ::fake::faker::internet::raw::{DomainSuffix, FreeEmail, IPv4, IPv6, SafeEmail, Username};
    use ::fake::faker::job::raw::Title;
    use ::fake::faker::lorem::raw::{Paragraph, Sentence, Word};
    use ::fake::faker::name::raw::{FirstName, LastName, Name};
    use ::fake::faker::phone_number::raw::PhoneNumber;
    // Scoped here: its blanket `fake()` would shadow `ColumnFaker::fake`.
    use ::fake::Fake as _;

    match kind {
        FakeKind::FirstName => Draw::text(FirstName(l).fake_with_rng(rng)),
        FakeKind::LastName => Draw::text(LastName(l).fake_with_rng(rng)),
        FakeKind::Name => Draw::text(Name(l).fake_with_rng(rng)),
        FakeKind::Username => {
            let name: String = Username(l).fake_with_rng(rng);
            Draw::Text {
                text: handle(&name, "._-", "user"),
                sep: "",
            }
        }
        FakeKind::Email | FakeKind::SafeEmail => {
            let (email, short_domain): (String, _) = match kind {
                FakeKind::Email => (FreeEmail(l).fake_with_rng(rng), "x.io"),
                _ => (SafeEmail(l).fake_with_rng(rng), "x.test"),
            };
            // `fake` transliterates (or not) with spaces, quotes and even a
            // second `@` left in: keep the last `@` and clean both sides.
            let (local, domain) = email.rsplit_once('@').unwrap_or((&email, ""));
            let mut domain = handle(domain, ".-", "");
            if !domain.contains('.') {
                domain = "example.com".to_owned();
            }
            Draw::Email {
                local: handle(local, "._-", "user"),
                domain,
                short_domain,
            }
        }
        FakeKind::PhoneNumber => Draw::Phone(PhoneNumber(l).fake_with_rng(rng)),
        FakeKind::StreetAddress => {
            let number: String = BuildingNumber(l).fake_with_rng(rng);
            let street: String = StreetName(l).fake_with_rng(rng);
            Draw::Address {
                street: tidy(&street),
                number: tidy(&number),
                number_after: locale.number_after_street(),
            }
        }
        FakeKind::City => Draw::text(CityName(l).fake_with_rng(rng)),
        FakeKind::Postcode => Draw::Code(tidy(&PostCode(l).fake_with_rng::<String, _>(rng))),
        FakeKind::Country => Draw::text(CountryName(l).fake_with_rng(rng)),
        FakeKind::Company => Draw::text(CompanyName(l).fake_with_rng(rng)),
        FakeKind::JobTitle => Draw::text(Title(l).fake_with_rng(rng)),
        FakeKind::Url => {
            let name: String = LastName(l).fake_with_rng(rng);
            let tld: String = DomainSuffix(l).fake_with_rng(rng);
            let www = rng.random::<bool>();
            let words = rng.random_range(0..3);
            let path: Vec<String> = (0..words)
                .map(|_| handle(&Word(l).fake_with_rng::<String, _>(rng), "-", "page"))
                .collect();
            Draw::Url {
                label: handle(&name, "-", "example"),
                tld: handle(&tld, ".-", "com"),
                www,
                path: path.join("-"),
            }
        }
        FakeKind::Ipv4 => Draw::Code(IPv4(l).fake_with_rng(rng)),
        FakeKind::Ipv6 => Draw::Code(IPv6(l).fake_with_rng::<String, _>(rng).to_lowercase()),
        FakeKind::Uuid => Draw::Code(uuid_v4(rng)),
        FakeKind::Word => Draw::text(Word(l).fake_with_rng(rng)),
        FakeKind::Sentence => Draw::Prose(capitalize(&tidy(
            &Sentence(l, 4..10).fake_with_rng::<String, _>(rng),
        ))),
        FakeKind::Paragraph => Draw::Prose(capitalize(&tidy(
            &Paragraph(l, 3..6).fake_with_rng::<String, _>(rng),
        ))),
        FakeKind::Date => Draw::Code(date(rng.random_range(FIRST_DAY..=LAST_DAY))),
        FakeKind::DateTime => {
            let day = rng.random_range(FIRST_DAY..=LAST_DAY);
            let second: u32 = rng.random_range(0..86_400);
            let zone = if tz { "+00" } else { "" };
            Draw::Code(format!(
                "{} {:02}:{:02}:{:02}{zone}",
                date(day),
                second / 3600,
                second / 60 % 60,
                second % 60
            ))
        }
        FakeKind::Value(_) | FakeKind::With(_) => {
            unreachable!("constants and `with` functions are handled by ColumnFaker::fake")
        }
    }
}

/// A version 4 UUID from the generator, lowercase and hyphenated.
fn uuid_v4(rng: &mut ChaCha8Rng) -> String {
    let mut bytes: [u8; 16] = rng.random();
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// `YYYY-MM-DD` for a number of days since 1970-01-01 (proleptic Gregorian;
/// Howard Hinnant's `civil_from_days`).
fn date(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

// ---------------------------------------------------------------------------
// Text helpers

fn char_len(s: &str) -> usize {
    s.chars().count()
}

/// The first `n` characters of `s`.
fn prefix(s: &str, n: usize) -> &str {
    match s.char_indices().nth(n) {
        Some((end, _)) => &s[..end],
        None => s,
    }
}

/// Removes placeholders the `fake` crate left unfilled (`{River}` in some
/// Dutch city names) and collapses runs of white space.
fn tidy(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(open) = rest.find('{') {
        match rest[open..].find('}') {
            Some(close)
                if rest[open + 1..open + close]
                    .chars()
                    .all(char::is_alphanumeric) =>
            {
                out.push_str(&rest[..open]);
                rest = &rest[open + close + 1..];
            }
            _ => {
                out.push_str(&rest[..=open]);
                rest = &rest[open + 1..];
            }
        }
    }
    out.push_str(rest);
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Sentences with a capital letter at the start (`fake`'s lorem has none).
fn capitalize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut start = true;
    for c in s.chars() {
        if start && c.is_alphabetic() {
            out.extend(c.to_uppercase());
            start = false;
        } else {
            out.push(c);
        }
        if c == '.' {
            start = true;
        }
    }
    out
}

/// An ASCII handle for e-mail addresses, user names and host names:
/// transliterated, lowercase, letters and digits with single separators from
/// `seps` between them; `fallback` when nothing is left.
fn handle(s: &str, seps: &str, fallback: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in deunicode::deunicode(s).chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if seps.contains(c) && !out.is_empty() && !out.ends_with(|p| seps.contains(p)) {
            out.push(c);
        }
    }
    while out.ends_with(|p| seps.contains(p)) {
        out.pop();
    }
    if out.is_empty() {
        fallback.to_owned()
    } else {
        out
    }
}

/// An ASCII handle cut to `max` characters, without a trailing separator.
fn shorten_handle(handle: &str, max: usize) -> String {
    let cut = prefix(handle, max);
    let trimmed = cut.trim_end_matches(|c: char| !c.is_ascii_alphanumeric());
    if trimmed.is_empty() { cut } else { trimmed }.to_owned()
}

/// Text cut to `max` characters on a character boundary, without a dangling
/// space, hyphen or unclosed parenthesis.
fn shorten_text(s: &str, max: usize) -> String {
    if char_len(s) <= max {
        return s.to_owned();
    }
    let cut = prefix(s, max);
    let mut body = cut;
    if let Some(open) = body.rfind('(')
        && open > 0
        && !body[open..].contains(')')
    {
        body = &body[..open];
    }
    let body = body.trim_end_matches(|c: char| c.is_whitespace() || "-,.;:'&/(".contains(c));
    if body.is_empty() { cut } else { body }.to_owned()
}

/// The first at most `n` characters of `s`, cut at a word boundary when
/// there is one, without trailing punctuation.
fn cut_at_word(s: &str, n: usize) -> &str {
    let cut = prefix(s, n);
    let at_boundary = s[cut.len()..]
        .chars()
        .next()
        .is_none_or(char::is_whitespace);
    let body = match cut.rfind(char::is_whitespace) {
        _ if at_boundary => cut,
        Some(space) if space > 0 => &cut[..space],
        _ => cut,
    };
    let body = body.trim_end_matches(|c: char| c.is_whitespace() || ",;:.-".contains(c));
    if body.is_empty() { cut } else { body }
}

/// A sentence or paragraph in at most `max` characters, cut at a word
/// boundary and ending in `.`.
fn shorten_prose(s: &str, max: usize) -> String {
    if char_len(s) <= max {
        return s.to_owned();
    }
    if max < 2 {
        return shorten_text(s, max);
    }
    format!("{}.", cut_at_word(s, max - 1))
}

/// A phone number in at most `max` characters: without its extension, then
/// without punctuation (a leading `+` and the digits), then cut.
fn shorten_phone(number: &str, max: usize) -> String {
    if char_len(number) <= max {
        return number.to_owned();
    }
    let without_extension = number.split(" x").next().unwrap_or(number).trim_end();
    if char_len(without_extension) <= max {
        return without_extension.to_owned();
    }
    let plus = if number.trim_start().starts_with('+') {
        "+"
    } else {
        ""
    };
    let digits: String = without_extension
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    prefix(&format!("{plus}{digits}"), max).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Fake;

    const TABLE: TableName = TableName::new(None, "accounts_customer");

    /// Every built-in kind, in the order of the docs.
    const KINDS: &[FakeKind] = &[
        FakeKind::FirstName,
        FakeKind::LastName,
        FakeKind::Name,
        FakeKind::Username,
        FakeKind::Email,
        FakeKind::SafeEmail,
        FakeKind::PhoneNumber,
        FakeKind::StreetAddress,
        FakeKind::City,
        FakeKind::Postcode,
        FakeKind::Country,
        FakeKind::Company,
        FakeKind::JobTitle,
        FakeKind::Url,
        FakeKind::Ipv4,
        FakeKind::Ipv6,
        FakeKind::Uuid,
        FakeKind::Word,
        FakeKind::Sentence,
        FakeKind::Paragraph,
        FakeKind::Date,
        FakeKind::DateTime,
    ];

    fn column_of(
        name: &'static str,
        kind: FakeKind,
        sql_type: SqlType,
        unique: bool,
        consistent: bool,
    ) -> &'static Column {
        Box::leak(Box::new(Column {
            name,
            field: name,
            nullable: false,
            sql_type,
            rust_type: "String",
            fake: Some(Fake {
                kind,
                unique,
                consistent,
                max_length: None,
            }),
        }))
    }

    fn column(kind: FakeKind) -> &'static Column {
        column_of(kind.name(), kind, SqlType::Text, false, false)
    }

    fn faker(seed: u64, kind: FakeKind, max: Option<usize>) -> ColumnFaker {
        ColumnFaker::new(seed, Locale::En, TABLE, column(kind), max).unwrap()
    }

    fn values(faker: &mut ColumnFaker, rows: usize) -> Vec<String> {
        (0..rows)
            .map(|key| faker.fake(&key.to_string(), None, &[]).unwrap())
            .collect()
    }

    fn looks_like_email(email: &str) -> bool {
        let Some((local, domain)) = email.split_once('@') else {
            return false;
        };
        let atom = |s: &str| {
            !s.is_empty()
                && !s.starts_with(['.', '-'])
                && !s.ends_with(['.', '-'])
                && !s.contains("..")
                && s.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c))
        };
        atom(local) && atom(domain) && domain.contains('.')
    }

    #[test]
    fn same_seed_gives_the_same_values_and_another_seed_others() {
        for &kind in KINDS {
            let first = values(&mut faker(1, kind, None), 50);
            assert_eq!(
                first,
                values(&mut faker(1, kind, None), 50),
                "{}",
                kind.name()
            );
            let other = values(&mut faker(2, kind, None), 50);
            assert_ne!(first, other, "{}", kind.name());
        }
    }

    #[test]
    fn a_row_value_depends_on_key_column_and_table_only() {
        let mut faker_a = faker(9, FakeKind::Name, None);
        let mut faker_b = faker(9, FakeKind::Name, None);
        // The order of the rows does not change a non-unique value.
        let forward: Vec<String> = ["1", "2", "3"]
            .iter()
            .map(|k| faker_a.fake(k, None, &[]).unwrap())
            .collect();
        let backward: Vec<String> = ["3", "2", "1"]
            .iter()
            .map(|k| faker_b.fake(k, None, &[]).unwrap())
            .collect();
        assert_eq!(forward, backward.into_iter().rev().collect::<Vec<_>>());
        // Another table or column gives other values.
        let other_table = TableName::new(Some("archive"), "accounts_customer");
        let mut elsewhere =
            ColumnFaker::new(9, Locale::En, other_table, column(FakeKind::Name), None).unwrap();
        let mut renamed = ColumnFaker::new(
            9,
            Locale::En,
            TABLE,
            column_of("full_name", FakeKind::Name, SqlType::Text, false, false),
            None,
        )
        .unwrap();
        let keys: Vec<String> = (0..20).map(|k| k.to_string()).collect();
        let here: Vec<String> = keys
            .iter()
            .map(|k| faker_a.fake(k, None, &[]).unwrap())
            .collect();
        let there: Vec<String> = keys
            .iter()
            .map(|k| elsewhere.fake(k, None, &[]).unwrap())
            .collect();
        let named: Vec<String> = keys
            .iter()
            .map(|k| renamed.fake(k, None, &[]).unwrap())
            .collect();
        assert_ne!(here, there);
        assert_ne!(here, named);
    }

    #[test]
    fn seeding_parts_are_length_prefixed() {
        assert_ne!(digest(1, &[b"ab", b"c"]), digest(1, &[b"a", b"bc"]));
        assert_ne!(digest(1, &[b"ab"]), digest(2, &[b"ab"]));
        assert_eq!(digest(1, &[b"ab", b"c"]), digest(1, &[b"ab", b"c"]));
    }

    #[test]
    fn every_kind_gives_non_empty_values_within_the_limit() {
        for &locale in Locale::ALL {
            for &kind in KINDS {
                for max in [None, Some(8), Some(12), Some(20), Some(40)] {
                    let faker = ColumnFaker::new(3, locale, TABLE, column(kind), max);
                    let (min, _) = minimum(kind, false);
                    if max.is_some_and(|max| max < min) {
                        assert!(faker.is_err(), "{} in {max:?}", kind.name());
                        continue;
                    }
                    let mut faker = faker.unwrap();
                    for value in values(&mut faker, 100) {
                        let what = format!("{} ({locale}, {max:?}): {value:?}", kind.name());
                        assert!(!value.trim().is_empty(), "{what}");
                        assert!(max.is_none_or(|max| char_len(&value) <= max), "{what}");
                        assert!(!value.ends_with(' ') && !value.starts_with(' '), "{what}");
                        if matches!(kind, FakeKind::Email | FakeKind::SafeEmail) {
                            assert!(looks_like_email(&value), "{what}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn emails_look_like_emails_and_keep_their_at_in_eight_characters() {
        for &locale in Locale::ALL {
            for kind in [FakeKind::Email, FakeKind::SafeEmail] {
                for max in [None, Some(8), Some(30)] {
                    let mut faker = ColumnFaker::new(5, locale, TABLE, column(kind), max).unwrap();
                    for email in values(&mut faker, 500) {
                        assert!(looks_like_email(&email), "{locale} {max:?}: {email:?}");
                    }
                }
            }
        }
        let mut safe = faker(5, FakeKind::SafeEmail, None);
        assert!(
            values(&mut safe, 100)
                .iter()
                .all(|e| e.contains("@example."))
        );
    }

    #[test]
    fn long_emails_shorten_the_local_part_and_keep_the_domain() {
        let email = Draw::Email {
            local: "cortney_mollitia".to_owned(),
            domain: "hotmail.com".to_owned(),
            short_domain: "x.io",
        };
        assert_eq!(email.render(20, None).unwrap(), "cortney@hotmail.com");
        assert_eq!(email.render(13, None).unwrap(), "c@hotmail.com");
        assert_eq!(email.render(12, None).unwrap(), "cortney@x.io");
        assert_eq!(
            email.render(20, Some("42")).unwrap(),
            "cortn.42@hotmail.com"
        );
        assert_eq!(email.render(8, Some("42")).unwrap(), "c42@x.io");
        assert_eq!(email.render(7, Some("42")), None);
    }

    #[test]
    fn phone_numbers_drop_extension_then_punctuation() {
        assert_eq!(shorten_phone("1-991-165-8850 x85364", 20), "1-991-165-8850");
        assert_eq!(shorten_phone("1-991-165-8850 x85364", 12), "19911658850");
        assert_eq!(shorten_phone("+90 (216) 471 0817", 13), "+902164710817");
        assert_eq!(shorten_phone("+90 (216) 471 0817", 8), "+9021647");
        let mut phones = faker(8, FakeKind::PhoneNumber, Some(12));
        for phone in values(&mut phones, 2_000) {
            assert!(char_len(&phone) <= 12, "{phone}");
            assert!(
                phone.chars().filter(char::is_ascii_digit).count() >= 7,
                "{phone}"
            );
        }
    }

    #[test]
    fn prose_is_cut_at_a_word_boundary_and_text_without_dangling_space() {
        assert_eq!(shorten_prose("illum ut eius sunt quia.", 12), "illum ut.");
        assert_eq!(shorten_prose("illum ut eius sunt quia.", 9), "illum ut.");
        assert_eq!(shorten_prose("illum ut.", 9), "illum ut.");
        assert_eq!(shorten_prose("consequatur aut.", 6), "conse.");
        assert_eq!(shorten_text("Grover Wyman", 7), "Grover");
        assert_eq!(shorten_text("Bad Kochburg (Neckar)", 16), "Bad Kochburg");
        assert_eq!(shorten_text("Jean-Luc", 5), "Jean");
        assert_eq!(shorten_text("湊大 野村", 3), "湊大");
        assert_eq!(capitalize("aut sit. et nam."), "Aut sit. Et nam.");
        assert_eq!(
            tidy("Lage-Daan Sandersakker {River}"),
            "Lage-Daan Sandersakker"
        );
        assert_eq!(handle("Da Qing _fugiat", "._-", "user"), "daqing_fugiat");
        assert_eq!(handle("bsm@_fugiat", "._-", "user"), "bsm_fugiat");
        assert_eq!(handle("iâr.example.cymru", ".-", ""), "iar.example.cymru");
    }

    #[test]
    fn street_addresses_keep_their_building_number() {
        let address = Draw::Address {
            street: "Piazzale Carlotta".to_owned(),
            number: "nº 46".to_owned(),
            number_after: true,
        };
        assert_eq!(address.render(30, None).unwrap(), "Piazzale Carlotta nº 46");
        assert_eq!(address.render(20, None).unwrap(), "Piazzale Carlo nº 46");
        assert_eq!(address.render(6, None).unwrap(), "Piazza");
        let address = Draw::Address {
            street: "Keven Plain".to_owned(),
            number: "81308".to_owned(),
            number_after: false,
        };
        assert_eq!(address.render(12, None).unwrap(), "81308 Keven");
    }

    #[test]
    fn urls_keep_scheme_and_host() {
        let url = Draw::Url {
            label: "kovacek".to_owned(),
            tld: "info".to_owned(),
            www: true,
            path: "aut-dolor".to_owned(),
        };
        assert_eq!(
            url.render(usize::MAX, None).unwrap(),
            "https://www.kovacek.info/aut-dolor"
        );
        assert_eq!(url.render(30, None).unwrap(), "https://www.kovacek.info");
        assert_eq!(url.render(20, None).unwrap(), "https://kovacek.info");
        assert_eq!(url.render(16, None).unwrap(), "https://kov.info");
        assert_eq!(url.render(12, None).unwrap(), "https://k.io");
        assert_eq!(
            url.render(40, Some("12")).unwrap(),
            "https://www.kovacek-12.info/aut-dolor"
        );
    }

    #[test]
    fn a_kind_that_cannot_fit_is_refused_naming_table_column_and_limit() {
        let error =
            ColumnFaker::new(1, Locale::En, TABLE, column(FakeKind::Uuid), Some(10)).unwrap_err();
        let message = error.to_string();
        assert!(matches!(error, Error::Fake { .. }));
        assert!(message.contains("accounts_customer"), "{message}");
        assert!(message.contains("uuid"), "{message}");
        assert!(message.contains("10"), "{message}");
        assert!(message.contains("36"), "{message}");
        assert!(ColumnFaker::new(1, Locale::En, TABLE, column(FakeKind::Ipv4), Some(14)).is_err());
        let tz = column_of(
            "seen_at",
            FakeKind::DateTime,
            SqlType::TimestampTz,
            false,
            false,
        );
        assert!(ColumnFaker::new(1, Locale::En, TABLE, tz, Some(21)).is_err());
        assert!(ColumnFaker::new(1, Locale::En, TABLE, tz, Some(22)).is_ok());
    }

    #[test]
    fn a_constant_is_returned_as_is_and_refused_when_too_long_or_unique() {
        let kind = FakeKind::Value("redacted");
        assert_eq!(values(&mut faker(1, kind, Some(8)), 3), ["redacted"; 3]);
        let message = ColumnFaker::new(1, Locale::En, TABLE, column(kind), Some(7))
            .unwrap_err()
            .to_string();
        assert!(
            message.contains("redacted") && message.contains('7'),
            "{message}"
        );
        let unique = column_of("note", kind, SqlType::Text, true, false);
        assert!(ColumnFaker::new(1, Locale::En, TABLE, unique, None).is_err());
    }

    #[test]
    fn unique_first_names_never_repeat_in_200_000_rows_of_12_characters() {
        let unique = column_of(
            "first_name",
            FakeKind::FirstName,
            SqlType::Text,
            true,
            false,
        );
        let mut faker = ColumnFaker::new(11, Locale::En, TABLE, unique, Some(12)).unwrap();
        let mut seen = HashSet::new();
        for key in 0..200_000 {
            let name = faker.fake(&key.to_string(), None, &[]).unwrap();
            assert!(char_len(&name) <= 12, "{name}");
            assert!(seen.insert(name.clone()), "duplicate {name}");
        }
    }

    #[test]
    fn every_kind_can_be_unique_within_a_limit() {
        for &kind in KINDS {
            let max = minimum(kind, false).0.max(20);
            let unique = column_of(kind.name(), kind, SqlType::Text, true, false);
            let mut faker = ColumnFaker::new(12, Locale::DeDe, TABLE, unique, Some(max)).unwrap();
            let values = values(&mut faker, 3_000);
            let distinct: HashSet<&String> = values.iter().collect();
            assert_eq!(distinct.len(), values.len(), "{}", kind.name());
            assert!(values.iter().all(|v| char_len(v) <= max), "{}", kind.name());
        }
    }

    #[test]
    fn unique_emails_get_the_suffix_in_the_local_part() {
        let unique = column_of("email", FakeKind::SafeEmail, SqlType::Text, true, false);
        let mut faker = ColumnFaker::new(11, Locale::En, TABLE, unique, Some(16)).unwrap();
        let emails = values(&mut faker, 20_000);
        assert_eq!(emails.iter().collect::<HashSet<_>>().len(), emails.len());
        assert!(
            emails
                .iter()
                .all(|e| looks_like_email(e) && char_len(e) <= 16)
        );
        assert!(
            emails
                .iter()
                .any(|e| e.split('@').next().unwrap().contains('.'))
        );
    }

    #[test]
    fn unique_fails_clearly_when_the_values_run_out() {
        let unique = column_of(
            "first_name",
            FakeKind::FirstName,
            SqlType::Text,
            true,
            false,
        );
        let mut faker = ColumnFaker::new(11, Locale::En, TABLE, unique, Some(1)).unwrap();
        let error = (0..1_000)
            .find_map(|key| faker.fake(&key.to_string(), None, &[]).err())
            .unwrap();
        let message = error.to_string();
        assert!(
            message.contains("unique") && message.contains("limit of 1 characters"),
            "{message}"
        );
    }

    #[test]
    fn consistent_maps_equal_originals_to_equal_fakes_across_tables() {
        let customer = column_of("email", FakeKind::Email, SqlType::Text, false, true);
        let order = column_of("buyer_email", FakeKind::Email, SqlType::Text, false, true);
        let mut a = ColumnFaker::new(4, Locale::En, TABLE, customer, None).unwrap();
        let mut b = ColumnFaker::new(
            4,
            Locale::En,
            TableName::new(None, "shop_order"),
            order,
            None,
        )
        .unwrap();
        let originals = ["ann@corp.example", "bob@corp.example", "ann@corp.example"];
        let from_a: Vec<String> = originals
            .iter()
            .enumerate()
            .map(|(k, o)| a.fake(&k.to_string(), Some(o), &[]).unwrap())
            .collect();
        let from_b: Vec<String> = originals
            .iter()
            .enumerate()
            .map(|(k, o)| b.fake(&(k + 100).to_string(), Some(o), &[]).unwrap())
            .collect();
        assert_eq!(from_a, from_b);
        assert_eq!(from_a[0], from_a[2]);
        assert_ne!(from_a[0], from_a[1]);
        assert!(!from_a[0].contains("ann"));
        let mut other_seed = ColumnFaker::new(5, Locale::En, TABLE, customer, None).unwrap();
        assert_ne!(
            other_seed.fake("0", Some(originals[0]), &[]).unwrap(),
            from_a[0]
        );
        assert!(a.fake("9", None, &[]).is_err());
    }

    #[test]
    fn consistent_and_unique_never_give_two_originals_the_same_fake() {
        let both = column_of("first_name", FakeKind::FirstName, SqlType::Text, true, true);
        let mut faker = ColumnFaker::new(4, Locale::En, TABLE, both, Some(12)).unwrap();
        let mut by_original: HashMap<String, String> = HashMap::new();
        let mut owners: HashMap<String, String> = HashMap::new();
        for key in 0..30_000 {
            let original = format!("person {}", key % 10_000);
            let fake = faker.fake(&key.to_string(), Some(&original), &[]).unwrap();
            assert_eq!(
                by_original
                    .entry(original.clone())
                    .or_insert_with(|| fake.clone()),
                &fake
            );
            assert_eq!(
                owners
                    .entry(fake.clone())
                    .or_insert_with(|| original.clone()),
                &original
            );
        }
    }

    fn key_and_first_name(input: &mut FakeInput<'_>) -> String {
        let number: u32 = input.rng().random_range(0..1_000_000);
        format!(
            "{}/{}/{}/{number}",
            input.key(),
            input.get("first_name").unwrap_or("-"),
            input.get("nickname").unwrap_or("-")
        )
    }

    #[test]
    fn with_receives_the_row_values_and_the_key() {
        let with = column_of(
            "handle",
            FakeKind::With(key_and_first_name),
            SqlType::Text,
            false,
            false,
        );
        let mut faker = ColumnFaker::new(1, Locale::En, TABLE, with, None).unwrap();
        let row = [("first_name", Some("Ada")), ("nickname", None)];
        let value = faker.fake("42", None, &row).unwrap();
        assert!(value.starts_with("42/Ada/-/"), "{value}");
        assert_eq!(
            value,
            ColumnFaker::new(1, Locale::En, TABLE, with, None)
                .unwrap()
                .fake("42", None, &row)
                .unwrap()
        );
        // Another key, another generator: the drawn number differs.
        let other = faker.fake("43", None, &row).unwrap();
        assert!(other.starts_with("43/Ada/-/"), "{other}");
        assert_ne!(value.rsplit('/').next(), other.rsplit('/').next());
    }

    #[test]
    fn with_output_over_the_limit_is_an_error_not_truncated() {
        let with = column_of(
            "handle",
            FakeKind::With(key_and_first_name),
            SqlType::Text,
            false,
            false,
        );
        let mut faker = ColumnFaker::new(1, Locale::En, TABLE, with, Some(6)).unwrap();
        let message = faker
            .fake("42", None, &[("first_name", Some("Ada"))])
            .unwrap_err()
            .to_string();
        assert!(message.contains("accounts_customer.handle"), "{message}");
        assert!(
            message.contains("limit of 6") && message.contains("characters"),
            "{message}"
        );
    }

    fn parse_datetime(value: &str) -> Option<(i64, u32, u32, u32, u32, u32)> {
        let (date, time) = value.split_once(' ')?;
        let mut date = date.split('-').map(str::parse::<u32>);
        let (year, month, day) = (date.next()?.ok()?, date.next()?.ok()?, date.next()?.ok()?);
        let time = time.strip_suffix("+00")?;
        let mut time = time.split(':').map(str::parse::<u32>);
        let (hour, minute, second) = (time.next()?.ok()?, time.next()?.ok()?, time.next()?.ok()?);
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
        let days = [
            31,
            if leap { 29 } else { 28 },
            31,
            30,
            31,
            30,
            31,
            31,
            30,
            31,
            30,
            31,
        ];
        let valid = (1970..=2029).contains(&year)
            && (1..=12).contains(&month)
            && (1..=days[month as usize - 1]).contains(&day)
            && hour < 24
            && minute < 60
            && second < 60;
        valid.then_some((year.into(), month, day, hour, minute, second))
    }

    #[test]
    fn a_datetime_for_timestamptz_parses() {
        let tz = column_of(
            "seen_at",
            FakeKind::DateTime,
            SqlType::TimestampTz,
            false,
            false,
        );
        let mut faker = ColumnFaker::new(1, Locale::En, TABLE, tz, Some(22)).unwrap();
        for value in values(&mut faker, 2_000) {
            assert_eq!(value.len(), 22, "{value}");
            assert!(parse_datetime(&value).is_some(), "{value}");
        }
        let plain = values(&mut faker_for(FakeKind::DateTime), 10);
        assert!(
            plain
                .iter()
                .all(|v| v.len() == 19 && parse_datetime(&format!("{v}+00")).is_some())
        );
    }

    fn faker_for(kind: FakeKind) -> ColumnFaker {
        faker(1, kind, None)
    }

    #[test]
    fn dates_cover_the_range_and_uuids_are_version_4() {
        assert_eq!(date(0), "1970-01-01");
        assert_eq!(date(LAST_DAY), "2029-12-31");
        assert_eq!(date(11_016), "2000-02-29");
        for uuid in values(&mut faker_for(FakeKind::Uuid), 200) {
            let groups: Vec<&str> = uuid.split('-').collect();
            assert_eq!(
                groups.iter().map(|g| g.len()).collect::<Vec<_>>(),
                [8, 4, 4, 4, 12],
                "{uuid}"
            );
            assert!(
                uuid.chars()
                    .all(|c| c == '-' || c.is_ascii_digit() || c.is_ascii_lowercase())
            );
            assert!(
                groups[2].starts_with('4') && groups[3].starts_with(['8', '9', 'a', 'b']),
                "{uuid}"
            );
        }
    }

    #[test]
    fn locales_parse_by_name_ignoring_case() {
        for &locale in Locale::ALL {
            assert_eq!(locale.name().parse::<Locale>().unwrap(), locale);
            assert_eq!(
                locale
                    .name()
                    .to_uppercase()
                    .replace('_', "-")
                    .parse::<Locale>()
                    .unwrap(),
                locale
            );
        }
        assert_eq!(Locale::default(), Locale::En);
        let error = "en_XX".parse::<Locale>().unwrap_err();
        assert!(matches!(error, Error::Usage(_)));
        assert!(error.to_string().contains("en_XX") && error.to_string().contains("zh_TW"));
    }

    /// The table of examples in the module docs, as the generators produce it.
    fn doc_table() -> Vec<String> {
        KINDS
            .iter()
            .map(|&kind| {
                let example = faker(1, kind, None).fake("1", None, &[]).unwrap();
                let short = match ColumnFaker::new(1, Locale::En, TABLE, column(kind), Some(12)) {
                    Ok(mut faker) => format!("`{}`", faker.fake("1", None, &[]).unwrap()),
                    Err(_) => format!("(needs {})", minimum(kind, false).0),
                };
                format!("//! | `{}` | `{example}` | {short} |", kind.name())
            })
            .collect()
    }

    #[test]
    fn the_docs_show_what_the_generators_produce() {
        let source = include_str!("fake.rs");
        let missing: Vec<String> = doc_table()
            .into_iter()
            .filter(|line| !source.contains(line.as_str()))
            .collect();
        assert!(
            missing.is_empty(),
            "update the table in the module docs:\n{}",
            doc_table().join("\n")
        );
    }
}
