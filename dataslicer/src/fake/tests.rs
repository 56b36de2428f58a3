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
            normalize: None,
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
    let source = include_str!("mod.rs");
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

#[test]
fn the_key_permutation_is_a_bijection_of_each_width() {
    let keys = digest(5, &[b"perm"]);
    for width in 1..=4u32 {
        let size = 10u64.pow(width);
        let mut seen = vec![false; size as usize];
        for n in 0..size {
            let p = permute(n, width, &keys);
            assert!(p < size, "{n} -> {p} leaves width {width}");
            assert!(!seen[p as usize], "{p} twice in width {width}");
            seen[p as usize] = true;
        }
    }
    // The widest keys stay in range too.
    assert!(permute(u64::MAX / 2, 19, &keys) < 10u64.pow(19));
}

#[test]
fn unique_fakes_of_two_runs_with_one_seed_never_share_a_value_between_keys() {
    let email = column_of("email", FakeKind::Email, SqlType::Text, true, false);
    let name = column_of("name", FakeKind::FirstName, SqlType::Text, true, false);
    for column in [email, name] {
        // Two runs over overlapping key ranges: each key's value is the same
        // in both, and no two keys share one.
        let mut by_value: HashMap<String, u32> = HashMap::new();
        for keys in [1..=3000u32, 2001..=6000] {
            let mut faker = ColumnFaker::new(3, Locale::En, TABLE, column, Some(40)).unwrap();
            for key in keys {
                let value = faker.fake(&key.to_string(), None, &[]).unwrap();
                let owner = *by_value.entry(value.clone()).or_insert(key);
                assert_eq!(owner, key, "{value} for keys {owner} and {key}");
            }
        }
        assert_eq!(by_value.len(), 6000);
    }
}

#[test]
fn consistent_fakes_follow_the_normalised_original() {
    let email = column_of("email", FakeKind::Email, SqlType::Text, true, true);
    let mut faker = ColumnFaker::new(3, Locale::En, TABLE, email, None).unwrap();
    let a = faker
        .fake("1", Some("Gary.Davies@Example.com "), &[])
        .unwrap();
    let b = faker
        .fake("2", Some("gary.davies@example.com"), &[])
        .unwrap();
    let c = faker
        .fake("3", Some("gary.davis@example.com"), &[])
        .unwrap();
    assert_eq!(a, b);
    assert_ne!(a, c);
    // Another run with the seed, meeting them in another order.
    let mut again = ColumnFaker::new(3, Locale::En, TABLE, email, None).unwrap();
    assert_eq!(
        again
            .fake("9", Some("gary.davis@example.com"), &[])
            .unwrap(),
        c
    );
    assert_eq!(
        again
            .fake("8", Some("GARY.DAVIES@EXAMPLE.COM"), &[])
            .unwrap(),
        a
    );
}

#[test]
fn fakes_on_a_json_column_are_json() {
    let name = column_of("data", FakeKind::Name, SqlType::Json, false, false);
    let mut faker = ColumnFaker::new(3, Locale::En, TABLE, name, None)
        .unwrap()
        .json_column(true);
    let value = faker.fake("1", None, &[]).unwrap();
    let parsed: serde_json::Value = serde_json::from_str(&value).unwrap();
    assert!(parsed.as_str().is_some_and(|s| !s.is_empty()), "{value}");
    let constant = column_of(
        "data",
        FakeKind::Value("{\"a\": 1}"),
        SqlType::Json,
        false,
        false,
    );
    let mut faker = ColumnFaker::new(3, Locale::En, TABLE, constant, None)
        .unwrap()
        .json_column(true);
    assert_eq!(faker.fake("1", None, &[]).unwrap(), "{\"a\": 1}");
    let text = column_of(
        "data",
        FakeKind::Value("redacted"),
        SqlType::Json,
        false,
        false,
    );
    let mut faker = ColumnFaker::new(3, Locale::En, TABLE, text, None)
        .unwrap()
        .json_column(true);
    assert_eq!(faker.fake("1", None, &[]).unwrap(), "\"redacted\"");
}

#[test]
fn a_json_document_that_is_not_json_is_an_error_without_its_text() {
    static KEYS: &[crate::model::JsonKey] = &[crate::model::JsonKey {
        key: "email",
        kind: FakeKind::Email,
    }];
    let column = column_of("data", FakeKind::Json(KEYS), SqlType::Json, false, false);
    let mut faker = ColumnFaker::new(3, Locale::En, TABLE, column, None).unwrap();
    let error = faker
        .fake("7", Some("{\"email\": \"secret@x.example\""), &[])
        .unwrap_err()
        .to_string();
    assert!(error.contains("data") && error.contains("key 7"), "{error}");
    assert!(!error.contains("secret"), "{error}");
}
