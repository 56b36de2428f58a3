use dataslicer::prelude::*;

#[derive(Importer)]
#[table("catalogue_category")]
pub struct Category {
    pub id: i32,
    #[tree(step = 4)]
    pub path: i64,
    pub depth: i32,
}

fn main() {}
