use dataslicer::prelude::*;

#[derive(Importer)]
#[table("shop_country")]
#[natural_key("code", "contintent")]
pub struct Country {
    pub id: i32,
    pub code: String,
    pub continent: String,
}

fn main() {}
