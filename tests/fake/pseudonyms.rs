//! One pseudonym per person: `consistent` e-mails are trimmed and
//! case-insensitive by default, a user's normaliser decides for other kinds;
//! different originals never share a `unique` fake; the same seed gives the
//! same mapping run after run; and e-mails inside JSON documents, faked by
//! key, share the mapping of the e-mail columns.

use super::support::*;
use dataslicer::prelude::*;
use dataslicer_dev::TestDb;
use std::collections::BTreeMap;

#[derive(Importer)]
#[table("account")]
struct Account {
    id: i64,
    #[fake(email, consistent, unique)]
    email: String,
    #[fake(name, consistent(normalize = dataslicer::fake::normalize::words))]
    full_name: String,
}

#[derive(Importer)]
#[table("guest_order")]
struct GuestOrder {
    id: i64,
    #[fake(email, consistent, unique)]
    guest_email: String,
    #[fake(name, consistent(normalize = dataslicer::fake::normalize::words))]
    guest_name: Option<String>,
}

#[derive(Importer)]
#[table("form_submission")]
struct Submission {
    id: i64,
    #[fake(json(email = email, your_name = name, "Phone Number" = phone_number))]
    data: Option<serde_json::Value>,
}

/// 300 accounts; 900 guest orders by account holders, the address in other
/// letter case and with spaces, the name in other case and spacing; some by
/// strangers, some with an empty address. 400 form submissions with
/// per-row key sets, nested and in arrays, JSON null and SQL NULL.
const SHOP: &str = r#"
    CREATE TABLE account (id bigint PRIMARY KEY, email varchar(254) NOT NULL UNIQUE,
                          full_name text NOT NULL);
    CREATE TABLE guest_order (id bigint PRIMARY KEY, guest_email varchar(254) NOT NULL,
                              guest_name text);
    CREATE TABLE form_submission (id bigint PRIMARY KEY, data jsonb);
    INSERT INTO account SELECT g, 'Person.' || g || '@Corp.example', 'Person Number' || g
      FROM generate_series(1, 300) g;
    INSERT INTO guest_order SELECT g,
        CASE WHEN g % 9 = 0 THEN ''
             WHEN g % 4 = 0 THEN 'stranger' || g || '@mail.example'
             WHEN g % 2 = 0 THEN ' PERSON.' || (1 + g % 300) || '@corp.EXAMPLE '
             ELSE 'person.' || (1 + g % 300) || '@corp.example' END,
        CASE WHEN g % 7 = 0 THEN NULL ELSE '  person   NUMBER' || (1 + g % 300) END
      FROM generate_series(1, 900) g;
    INSERT INTO form_submission SELECT g, CASE g % 5
        WHEN 0 THEN NULL
        WHEN 1 THEN 'null'::jsonb
        WHEN 2 THEN jsonb_build_object('email', 'PERSON.' || (1 + g % 300) || '@corp.example',
                                       'your_name', 'Someone ' || g, 'subscribe', true, 'count', g)
        WHEN 3 THEN jsonb_build_object('inner', jsonb_build_object('email', 'person.' || (1 + g % 300) || '@corp.example'),
                                       'list', jsonb_build_array(jsonb_build_object('your_name', 'Nested ' || g)),
                                       'Phone Number', '555-' || g, 'note', 'keep ' || g)
        ELSE jsonb_build_object('email', '', 'topic', 'empty ' || g, 'your_name', null) END
      FROM generate_series(1, 400) g;
"#;

fn jobs() -> Vec<ImportJob> {
    vec![
        ImportJob::<Account>::new(),
        ImportJob::<GuestOrder>::new(),
        ImportJob::<Submission>::new(),
    ]
}

fn normalised(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Each account's e-mail, by normalised original.
fn account_fakes(source: &TestDb, dir: &std::path::Path) -> BTreeMap<String, String> {
    let originals = source_by_id(&mut source.client(), "account", "email");
    Csv::read(dir, "account.csv")
        .by_id("email")
        .into_iter()
        .map(|(id, fake)| {
            (
                normalised(originals[&id].as_deref().unwrap()),
                fake.unwrap(),
            )
        })
        .collect()
}

#[test]
fn an_email_in_another_letter_case_gets_the_pseudonym_of_its_account() {
    let source = TestDb::create("fake_pseudonyms");
    source.execute(SHOP);
    let scratch = Scratch::new("pseudonyms");
    let (dir, again) = (scratch.path("slice"), scratch.path("again"));
    run(&source, &jobs(), &dir, 21);
    run(&source, &jobs(), &again, 21);
    let accounts = account_fakes(&source, &dir);
    // Different originals, different fakes.
    let distinct: std::collections::BTreeSet<&String> = accounts.values().collect();
    assert_eq!(
        distinct.len(),
        accounts.len(),
        "two accounts share a pseudonym"
    );

    let originals = source_by_id(&mut source.client(), "guest_order", "guest_email");
    let names = source_by_id(&mut source.client(), "guest_order", "guest_name");
    let account_names = source_by_id(&mut source.client(), "account", "full_name");
    let faked_names: BTreeMap<i64, Option<String>> =
        Csv::read(&dir, "account.csv").by_id("full_name");
    let name_of_person: BTreeMap<String, String> = account_names
        .iter()
        .map(|(id, n)| {
            (
                dataslicer::fake::normalize::words(n.as_deref().unwrap()),
                faked_names[id].clone().unwrap(),
            )
        })
        .collect();
    let orders = Csv::read(&dir, "guest_order.csv");
    let mut matched = 0;
    let mut strangers: BTreeMap<String, String> = BTreeMap::new();
    for (id, fake) in orders.by_id("guest_email") {
        let original = originals[&id].as_deref().unwrap();
        let fake = fake.unwrap();
        if original.is_empty() {
            assert_eq!(fake, "", "order {id}: '' stays ''");
            continue;
        }
        assert!(looks_like_email(&fake), "order {id}: {fake}");
        match accounts.get(&normalised(original)) {
            Some(account) => {
                assert_eq!(&fake, account, "order {id}: {original:?}");
                matched += 1;
            }
            None => {
                assert!(
                    !accounts.values().any(|a| *a == fake),
                    "order {id}: a stranger got an account's pseudonym"
                );
                let first = strangers
                    .entry(normalised(original))
                    .or_insert(fake.clone());
                assert_eq!(first, &fake);
            }
        }
    }
    assert!(matched > 300, "{matched} orders by account holders");
    // Names through the user's normaliser: case and spacing do not matter.
    for (id, fake) in orders.by_id("guest_name") {
        match names[&id].as_deref() {
            None => assert_eq!(fake, None, "order {id}"),
            Some(original) => {
                let person = dataslicer::fake::normalize::words(original);
                assert_eq!(
                    fake.as_ref(),
                    name_of_person.get(&person),
                    "order {id}: {original:?}"
                );
            }
        }
    }
    // The same seed, the same mapping, byte for byte.
    assert_eq!(files(&dir), {
        let mut again = files(&again);
        // The manifest records when it was written.
        again.insert("manifest.json".into(), files(&dir)["manifest.json"].clone());
        again
    });
    let originals: Vec<String> = (1..=300)
        .flat_map(|g| {
            [
                format!("person.{g}@corp.example"),
                format!("Person Number{g}"),
            ]
        })
        .collect();
    assert!(leaked(&dir, originals.iter().map(String::as_str)).is_empty());
    load_into_copy(&dir, &source);
}

/// The keys of a JSON text, in the order they appear (nested ones too).
fn keys_in_order(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let (mut keys, mut i) = (Vec::new(), 0);
    while i < chars.len() {
        if chars[i] != '"' {
            i += 1;
            continue;
        }
        let start = i + 1;
        i += 1;
        while chars[i] != '"' {
            i += if chars[i] == '\\' { 2 } else { 1 };
        }
        let string: String = chars[start..i].iter().collect();
        i += 1;
        let mut next = i;
        while next < chars.len() && chars[next].is_whitespace() {
            next += 1;
        }
        if chars.get(next) == Some(&':') {
            keys.push(string);
        }
    }
    keys
}

#[test]
fn json_documents_have_their_named_keys_faked_and_everything_else_kept() {
    let source = TestDb::create("fake_json_keys");
    source.execute(SHOP);
    let scratch = Scratch::new("json_keys");
    let dir = scratch.path("slice");
    run(&source, &jobs(), &dir, 21);
    let accounts = account_fakes(&source, &dir);
    let originals = source_by_id(&mut source.client(), "form_submission", "data");
    let parse = |text: &str| -> serde_json::Value { serde_json::from_str(text).expect("JSON") };
    let mut checked = 0;
    for (id, written) in Csv::read(&dir, "form_submission.csv").by_id("data") {
        let original = originals[&id].as_deref();
        let (Some(original), Some(written)) = (original, written.as_deref()) else {
            assert_eq!(
                original,
                written.as_deref(),
                "submission {id}: NULL stays NULL"
            );
            continue;
        };
        let (before, after) = (parse(original), parse(written));
        // The same keys, in the same order, with the same types.
        fn shape(v: &serde_json::Value) -> String {
            match v {
                serde_json::Value::Object(o) => {
                    let parts: Vec<String> =
                        o.iter().map(|(k, v)| format!("{k}:{}", shape(v))).collect();
                    format!("{{{}}}", parts.join(","))
                }
                serde_json::Value::Array(a) => {
                    format!("[{}]", a.iter().map(shape).collect::<Vec<_>>().join(","))
                }
                serde_json::Value::String(_) => "s".into(),
                other => other.to_string(),
            }
        }
        assert_eq!(shape(&before), shape(&after), "submission {id}");
        assert_eq!(
            keys_in_order(original),
            keys_in_order(written),
            "submission {id}"
        );
        match id % 5 {
            1 => assert_eq!(after, serde_json::Value::Null),
            2 => {
                let email = after["email"].as_str().unwrap();
                let person = normalised(before["email"].as_str().unwrap());
                assert_eq!(
                    Some(&email.to_string()),
                    accounts.get(&person),
                    "submission {id}"
                );
                assert_ne!(after["your_name"], before["your_name"]);
                assert_eq!(after["subscribe"], true);
                assert_eq!(after["count"], before["count"]);
            }
            3 => {
                let email = after["inner"]["email"].as_str().unwrap();
                let person = normalised(before["inner"]["email"].as_str().unwrap());
                assert_eq!(
                    Some(&email.to_string()),
                    accounts.get(&person),
                    "submission {id}"
                );
                assert_ne!(
                    after["list"][0]["your_name"],
                    before["list"][0]["your_name"]
                );
                assert_ne!(after["Phone Number"], before["Phone Number"]);
                assert_eq!(after["note"], before["note"]);
            }
            4 => assert_eq!(after, before, "submission {id}: '' and null kept"),
            _ => unreachable!(),
        }
        checked += 1;
    }
    assert!(checked >= 300, "{checked} documents");
    let originals: Vec<String> = (1..=400)
        .flat_map(|g| {
            [
                format!("Someone {g}"),
                format!("Nested {g}"),
                format!("555-{g}"),
            ]
        })
        .collect();
    assert!(leaked(&dir, originals.iter().map(String::as_str)).is_empty());
    load_into_copy(&dir, &source);
}
