//! Faking values inside JSON documents, by key: `#[fake(json(email = email,
//! your_name = name))]`.
//!
//! The document is read (the one case besides `consistent` where a faked
//! column's value is read) and rewritten in one pass over its text: every
//! string value under a named key, at any depth, and every string inside an
//! array under a named key, is replaced by a fake of the key's kind; an
//! empty string stays empty. Everything else is copied byte for byte: other
//! keys, numbers, booleans and `null` (also under named keys: fakes replace
//! strings only), nesting, white space and the order of keys. Values under
//! named keys are faked from the original, like a `consistent` column of
//! that kind (e-mails trimmed and lowercase), so an e-mail inside a document
//! gets the same pseudonym as in an e-mail column.

use crate::Error;
use crate::model::FakeKind;

/// Why a rewrite failed.
pub(crate) enum Failure {
    /// The text is not JSON; the byte offset where that shows.
    Syntax(usize),
    /// A fake failed.
    Fake(Error),
}

/// Rewrites `document`: `fake(key, value)` is asked for each non-empty
/// string value under a key; `Ok(None)` keeps it.
pub(crate) fn rewrite(
    document: &str,
    fake: &mut dyn FnMut(&str, &str) -> crate::Result<Option<String>>,
) -> Result<String, Failure> {
    let mut parser = Parser {
        text: document,
        at: 0,
        out: String::with_capacity(document.len() + 16),
        fake,
    };
    parser.space();
    parser.value(None)?;
    parser.space();
    if parser.at != document.len() {
        return Err(Failure::Syntax(parser.at));
    }
    Ok(parser.out)
}

struct Parser<'a, 'f> {
    text: &'a str,
    at: usize,
    out: String,
    fake: &'f mut dyn FnMut(&str, &str) -> crate::Result<Option<String>>,
}

impl<'a> Parser<'a, '_> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    fn space(&mut self) {
        let start = self.at;
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
        self.out.push_str(&self.text[start..self.at]);
    }

    fn expect(&mut self, byte: u8) -> Result<(), Failure> {
        if self.peek() != Some(byte) {
            return Err(Failure::Syntax(self.at));
        }
        self.at += 1;
        self.out.push(byte as char);
        Ok(())
    }

    /// One value; `under` is the key it belongs to (an array's elements
    /// belong to the array's key).
    fn value(&mut self, under: Option<&str>) -> Result<(), Failure> {
        match self.peek() {
            Some(b'{') => self.object(),
            Some(b'[') => self.array(under),
            Some(b'"') => {
                let (raw, decoded) = self.string()?;
                let fake = match under {
                    Some(key) if !decoded.is_empty() => {
                        (self.fake)(key, &decoded).map_err(Failure::Fake)?
                    }
                    _ => None,
                };
                match fake {
                    Some(value) => self
                        .out
                        .push_str(&serde_json::Value::String(value).to_string()),
                    None => self.out.push_str(raw),
                }
                Ok(())
            }
            Some(_) => self.scalar(),
            None => Err(Failure::Syntax(self.at)),
        }
    }

    fn object(&mut self) -> Result<(), Failure> {
        self.expect(b'{')?;
        self.space();
        if self.peek() == Some(b'}') {
            return self.expect(b'}');
        }
        loop {
            let (raw, key) = self.string()?;
            self.out.push_str(raw);
            self.space();
            self.expect(b':')?;
            self.space();
            self.value(Some(&key))?;
            self.space();
            match self.peek() {
                Some(b',') => {
                    self.expect(b',')?;
                    self.space();
                }
                _ => return self.expect(b'}'),
            }
        }
    }

    fn array(&mut self, under: Option<&str>) -> Result<(), Failure> {
        self.expect(b'[')?;
        self.space();
        if self.peek() == Some(b']') {
            return self.expect(b']');
        }
        loop {
            self.value(under)?;
            self.space();
            match self.peek() {
                Some(b',') => {
                    self.expect(b',')?;
                    self.space();
                }
                _ => return self.expect(b']'),
            }
        }
    }

    /// A number, `true`, `false` or `null`, copied.
    fn scalar(&mut self) -> Result<(), Failure> {
        let start = self.at;
        while matches!(self.peek(), Some(b) if b.is_ascii_alphanumeric() || b"+-.".contains(&b)) {
            self.at += 1;
        }
        let token = &self.text[start..self.at];
        let valid = matches!(token, "true" | "false" | "null")
            || (!token.is_empty() && serde_json::from_str::<serde_json::Number>(token).is_ok());
        if !valid {
            return Err(Failure::Syntax(start));
        }
        self.out.push_str(token);
        Ok(())
    }

    /// A string: its raw text (quotes included) and its decoded value.
    fn string(&mut self) -> Result<(&'a str, String), Failure> {
        let start = self.at;
        if self.peek() != Some(b'"') {
            return Err(Failure::Syntax(self.at));
        }
        self.at += 1;
        let bytes = self.text.as_bytes();
        while let Some(&b) = bytes.get(self.at) {
            match b {
                b'"' => {
                    self.at += 1;
                    let raw = &self.text[start..self.at];
                    let decoded: String =
                        serde_json::from_str(raw).map_err(|_| Failure::Syntax(start))?;
                    return Ok((raw, decoded));
                }
                b'\\' => self.at += 2,
                _ => self.at += 1,
            }
        }
        Err(Failure::Syntax(start))
    }
}

/// For a JSON document that is one of the empty documents a fake keeps
/// (`null`, `""`, `{}`, `[]`, in any spacing), its canonical text, as
/// PostgreSQL's `jsonb` prints it.
pub(crate) fn empty_document(document: &str) -> Option<&'static str> {
    if document.len() > 64 {
        return None;
    }
    match serde_json::from_str::<serde_json::Value>(document).ok()? {
        serde_json::Value::Null => Some("null"),
        serde_json::Value::String(s) if s.is_empty() => Some("\"\""),
        serde_json::Value::Object(o) if o.is_empty() => Some("{}"),
        serde_json::Value::Array(a) if a.is_empty() => Some("[]"),
        _ => None,
    }
}

/// The fake kind a JSON key's name suggests, for keys that look personal:
/// `email`, `your-email`, `first_name`, `Phone`, `postcode`, ... Looks at
/// the name only (lowercase, with `-`, spaces and camelCase read as `_`),
/// never at a value; `None` for names that do not look personal.
///
/// ```
/// use dataslicer::fake::json::kind_for_key;
/// use dataslicer::FakeKind;
/// assert!(matches!(kind_for_key("your_email"), Some(FakeKind::Email)));
/// assert!(matches!(kind_for_key("firstName"), Some(FakeKind::FirstName)));
/// assert!(matches!(kind_for_key("your-name"), Some(FakeKind::Name)));
/// assert!(kind_for_key("subscribe").is_none());
/// assert!(kind_for_key("product_name").is_none());
/// ```
pub fn kind_for_key(key: &str) -> Option<FakeKind> {
    let mut name = String::with_capacity(key.len() + 4);
    let mut previous_lower = false;
    for c in key.chars() {
        if c.is_uppercase() && previous_lower {
            name.push('_');
        }
        previous_lower = c.is_lowercase() || c.is_ascii_digit();
        if c.is_alphanumeric() {
            name.extend(c.to_lowercase());
        } else if !name.ends_with('_') {
            name.push('_');
        }
    }
    let name = name.trim_matches('_');
    let words: Vec<&str> = name.split('_').collect();
    let has = |word: &str| words.contains(&word);
    // "your_name", "contact_email": the personal word is the last one.
    let last = *words.last()?;
    let joined = words.join("");
    Some(match () {
        _ if has("email") || has("mail") || joined.contains("email") => FakeKind::Email,
        _ if matches!(joined.as_str(), "firstname" | "givenname" | "forename")
            || (last == "first" && words.len() == 1) =>
        {
            FakeKind::FirstName
        }
        _ if matches!(joined.as_str(), "lastname" | "surname" | "familyname") => FakeKind::LastName,
        _ if matches!(
            joined.as_str(),
            "username" | "login" | "nickname" | "handle"
        ) =>
        {
            FakeKind::Username
        }
        _ if last == "name"
            && matches!(
                words.first().copied(),
                Some(
                    "name"
                        | "your"
                        | "full"
                        | "contact"
                        | "customer"
                        | "person"
                        | "sender"
                        | "recipient"
                )
            ) =>
        {
            FakeKind::Name
        }
        _ if matches!(joined.as_str(), "fullname") => FakeKind::Name,
        _ if has("phone") || has("mobile") || has("tel") || has("telephone") || has("fax") => {
            FakeKind::PhoneNumber
        }
        _ if joined == "ip" || joined == "ipaddress" || has("ip") => FakeKind::Ipv4,
        _ if has("address") || has("street") || joined == "line1" || joined == "line2" => {
            FakeKind::StreetAddress
        }
        _ if has("city") || has("town") => FakeKind::City,
        _ if has("postcode") || has("zip") || joined.contains("postalcode") || has("zipcode") => {
            FakeKind::Postcode
        }
        _ if has("company") || has("organisation") || has("organization") || has("employer") => {
            FakeKind::Company
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn upper(document: &str, keys: &[&str]) -> String {
        rewrite(document, &mut |key, value| {
            Ok(keys.contains(&key).then(|| value.to_uppercase()))
        })
        .unwrap_or_else(|_| panic!("not JSON: {document}"))
    }

    #[test]
    fn named_keys_are_faked_at_any_depth_and_the_rest_is_copied() {
        let document = r#"{"email": "a@b.c", "n": 1.50, "ok": true, "x": null,
            "inner": {"email": "d", "list": [{"email": "e"}]}, "emails": ["f", "", 3], "e": "keep"}"#;
        assert_eq!(
            upper(document, &["email", "emails"]),
            r#"{"email": "A@B.C", "n": 1.50, "ok": true, "x": null,
            "inner": {"email": "D", "list": [{"email": "E"}]}, "emails": ["F", "", 3], "e": "keep"}"#
        );
    }

    #[test]
    fn escapes_are_decoded_and_fakes_encoded() {
        assert_eq!(
            upper(r#"{"k": "\u00e9\"x"}"#, &["k"]),
            r#"{"k":"É\"X"}"#.replace(":\"", ": \"")
        );
        assert_eq!(
            upper(r#"["a", {"k": null}]"#, &["k"]),
            r#"["a", {"k": null}]"#
        );
    }

    #[test]
    fn broken_documents_are_refused() {
        for bad in [r#"{"a": }"#, r#"{"a": "b""#, "nope", r#"{"a": 1} x"#, ""] {
            assert!(rewrite(bad, &mut |_, _| Ok(None)).is_err(), "{bad}");
        }
    }

    #[test]
    fn personal_key_names_suggest_kinds() {
        for (key, kind) in [
            ("email", "email"),
            ("Email Address", "email"),
            ("your-email", "email"),
            ("first_name", "first_name"),
            ("lastName", "last_name"),
            ("your_name", "name"),
            ("phone", "phone_number"),
            ("zip", "postcode"),
            ("city", "city"),
            ("company", "company"),
            ("ip_address", "ipv4"),
        ] {
            assert_eq!(kind_for_key(key).map(|k| k.name()), Some(kind), "{key}");
        }
        for key in ["subscribe", "product_name", "count", "created_at", "page"] {
            assert!(kind_for_key(key).is_none(), "{key}");
        }
    }
}
