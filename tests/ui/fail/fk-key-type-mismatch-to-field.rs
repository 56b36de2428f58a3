use dataslicer::prelude::*;

#[derive(Importer)]
#[table("shop_currency")]
pub struct Currency {
    pub id: i32,
    pub code: String,
}

#[derive(Importer)]
#[table("shop_price")]
pub struct Price {
    pub id: i64,
    #[fk(Currency, key = "code")]
    pub currency_code: i32,
}

fn main() {}
