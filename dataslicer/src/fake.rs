//! Fake values (interface stub while the real module is written).
#![allow(missing_docs, dead_code)]
use crate::model::{Column, TableName};
use rand::rngs::ChaCha8Rng;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Locale {
    #[default]
    En,
}

pub struct FakeInput<'a> {
    rng: &'a mut ChaCha8Rng,
    key: &'a str,
    row: &'a [(&'a str, Option<&'a str>)],
}

pub struct ColumnFaker {
    column: &'static Column,
}
impl ColumnFaker {
    pub fn new(
        _seed: u64,
        _locale: Locale,
        _table: TableName,
        column: &'static Column,
        _max_chars: Option<usize>,
    ) -> crate::Result<Self> {
        Ok(ColumnFaker { column })
    }
    pub fn fake(
        &mut self,
        key: &str,
        _original: Option<&str>,
        _row: &[(&str, Option<&str>)],
    ) -> crate::Result<String> {
        Ok(format!("fake{key}"))
    }
}
impl std::str::FromStr for Locale {
    type Err = crate::Error;
    fn from_str(_s: &str) -> crate::Result<Self> {
        Ok(Locale::En)
    }
}
