use dataslicer::prelude::*;

#[derive(Importer)]
#[table("shop_country")]
#[natural_key("name")]
pub struct Country {
    pub id: i32,
    #[fake(country)]
    pub name: String,
}

fn main() {}
