//! Text helpers: lengths in characters, shortening that keeps a kind valid.

pub(super) fn char_len(s: &str) -> usize {
    s.chars().count()
}

/// The first `n` characters of `s`.
pub(super) fn prefix(s: &str, n: usize) -> &str {
    match s.char_indices().nth(n) {
        Some((end, _)) => &s[..end],
        None => s,
    }
}

/// Removes placeholders the `fake` crate left unfilled (`{River}` in some
/// Dutch city names) and collapses runs of white space.
pub(super) fn tidy(s: &str) -> String {
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
pub(super) fn capitalize(s: &str) -> String {
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
pub(super) fn handle(s: &str, seps: &str, fallback: &str) -> String {
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
pub(super) fn shorten_handle(handle: &str, max: usize) -> String {
    let cut = prefix(handle, max);
    let trimmed = cut.trim_end_matches(|c: char| !c.is_ascii_alphanumeric());
    if trimmed.is_empty() { cut } else { trimmed }.to_owned()
}

/// Text cut to `max` characters on a character boundary, without a dangling
/// space, hyphen or unclosed parenthesis.
pub(super) fn shorten_text(s: &str, max: usize) -> String {
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
pub(super) fn cut_at_word(s: &str, n: usize) -> &str {
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
pub(super) fn shorten_prose(s: &str, max: usize) -> String {
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
pub(super) fn shorten_phone(number: &str, max: usize) -> String {
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
