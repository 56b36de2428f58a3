use dataslicer::prelude::*;

#[derive(Importer)]
#[table("shop_country")]
#[natural_key("code", "code")]
pub struct Country {
    pub id: i32,
    pub code: String,
}

fn main() {}
