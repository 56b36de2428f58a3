use dataslicer::prelude::*;

#[derive(Importer)]
#[table("cms_page")]
#[content_type("wagtailcore", "Page")]
pub struct Page {
    pub id: i32,
}

fn main() {}
