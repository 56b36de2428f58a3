//! Drawing one base value of a kind, and fitting it to a length.

use super::*;
/// A drawn value, in a shape that knows how to shorten itself and take a
/// uniqueness suffix.
#[derive(Debug)]
pub(super) enum Draw {
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
    pub(super) fn text(text: String) -> Draw {
        Draw::Text {
            text: tidy(&text),
            sep: " ",
        }
    }

    pub(super) fn takes_suffix(&self) -> bool {
        !matches!(self, Draw::Phone(_) | Draw::Address { .. } | Draw::Code(_))
    }

    /// The value in at most `max` characters, with `suffix` worked in; `None`
    /// when it cannot fit.
    pub(super) fn render(&self, max: usize, suffix: Option<&str>) -> Option<String> {
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
pub(super) fn draw<L: CityNameGenFn>(
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
        FakeKind::Value(_) | FakeKind::With(_) | FakeKind::Json(_) => {
            unreachable!("constants and `with` functions are handled by ColumnFaker::fake")
        }
    }
}

/// A version 4 UUID from the generator, lowercase and hyphenated.
pub(super) fn uuid_v4(rng: &mut ChaCha8Rng) -> String {
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
pub(super) fn date(days: i64) -> String {
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
