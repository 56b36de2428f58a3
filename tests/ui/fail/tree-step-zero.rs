use dataslicer::prelude::*;

#[derive(Importer)]
#[table("catalogue_category")]
pub struct Category {
    pub id: i32,
    #[tree(step = 0)]
    pub path: String,
}

fn main() {}
