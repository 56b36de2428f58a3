//! Which rows the jobs select: filters with bound parameters, samples, the
//! downward walk to children (a union over restricting keys, intersected
//! with the child's own filter and sample), whole tables, empty results.

use super::support::*;
use chrono::{DateTime, TimeZone, Utc};
use dataslicer::Error;
use dataslicer::prelude::*;
use dataslicer_dev::TestDb;
use std::collections::BTreeSet;

fn set<const N: usize>(ids: [i64; N]) -> BTreeSet<i64> {
    ids.into_iter().collect()
}

#[derive(Importer)]
#[table("student")]
struct Student {
    id: i64,
    name: String,
}

#[derive(Importer)]
#[table("course")]
struct Course {
    id: i64,
    title: String,
}

/// The many-to-many table between students and courses.
#[derive(Importer)]
#[table("enrollment")]
struct Enrollment {
    id: i64,
    #[fk(Student)]
    student_id: i64,
    #[fk(Course)]
    course_id: i64,
    grade: Option<String>,
}

/// Students 1..=20, courses 1..=6, student s in courses s % 6 + 1 and
/// (s + 2) % 6 + 1; enrollment 100 s + k; grades missing for odd ids.
const SCHOOL: &str = "
    CREATE TABLE student (id bigint PRIMARY KEY, name text NOT NULL);
    CREATE TABLE course (id bigint PRIMARY KEY, title text NOT NULL);
    CREATE TABLE enrollment (
        id bigint PRIMARY KEY,
        student_id bigint NOT NULL REFERENCES student,
        course_id bigint NOT NULL REFERENCES course,
        grade text,
        UNIQUE (student_id, course_id)
    );
    INSERT INTO student SELECT g, 'student ' || g FROM generate_series(1, 20) g;
    INSERT INTO course SELECT g, 'course ' || g FROM generate_series(1, 6) g;
    INSERT INTO enrollment
        SELECT 100 * s + k, s, CASE k WHEN 0 THEN s % 6 + 1 ELSE (s + 2) % 6 + 1 END,
               CASE WHEN (100 * s + k) % 2 = 0 THEN 'A' END
        FROM generate_series(1, 20) s, generate_series(0, 1) k;
";

fn school(prefix: &str) -> TestDb {
    let db = TestDb::create(prefix);
    db.execute(SCHOOL);
    db
}

#[test]
fn many_to_many_rows_follow_the_selected_side_and_pull_the_other() {
    let source = school("slice_m2m");
    let scratch = Scratch::new("m2m");
    let dir = scratch.path("slice");
    let jobs = [
        ImportJob::<Student>::new().sample(5),
        ImportJob::<Enrollment>::new(),
    ];
    let manifest = slice(&source, jobs, &dir, 3);
    let students = Csv::read(&dir, "student.csv").ints("id");
    assert_eq!(students.len(), 5);
    let enrollments = Csv::read(&dir, "enrollment.csv");
    let mut src = source.client();
    assert_eq!(
        enrollments.ints("id"),
        ints(
            &mut src,
            "SELECT id FROM enrollment WHERE student_id = ANY($1)",
            &[&int_array(&students)]
        ),
        "every enrollment of the sampled students, no other"
    );
    assert_eq!(
        Csv::read(&dir, "course.csv").ints("id"),
        enrollments.ints("course_id"),
        "the courses they are enrolled in, and only those"
    );
    let target = TestDb::create_from_schema_of("slice_m2m_copy", &source);
    load_ok(&dir, &target);
    assert_counts_match(&target, &manifest);
}

#[test]
fn child_takes_the_union_over_restricted_parents_intersected_with_its_filter() {
    let source = school("slice_union");
    let scratch = Scratch::new("union");
    let dir = scratch.path("slice");
    let jobs = [
        ImportJob::<Student>::new().filter("id IN (1, 2)", params![]),
        ImportJob::<Course>::new().filter("id = $1", params![3_i64]),
        // An OR that binds loosely: the filter is one condition among others.
        ImportJob::<Enrollment>::new().filter("grade = $1 OR grade = $2", params!["A", "B"]),
    ];
    let manifest = slice(&source, jobs, &dir, 3);
    let mut src = source.client();
    let expected = ints(
        &mut src,
        "SELECT id FROM enrollment \
         WHERE (student_id IN (1, 2) OR course_id = 3) AND grade IS NOT NULL",
        &[],
    );
    assert!(
        expected.len() >= 3,
        "the fixture has enough rows: {expected:?}"
    );
    let enrollments = Csv::read(&dir, "enrollment.csv");
    assert_eq!(enrollments.ints("id"), expected);
    // Students and courses of those enrollments come in as parents.
    let mut students = set([1, 2]);
    students.extend(enrollments.ints("student_id"));
    let mut courses = set([3]);
    courses.extend(enrollments.ints("course_id"));
    assert_eq!(Csv::read(&dir, "student.csv").ints("id"), students);
    assert_eq!(Csv::read(&dir, "course.csv").ints("id"), courses);
    let target = TestDb::create_from_schema_of("slice_union_copy", &source);
    load_ok(&dir, &target);
    assert_counts_match(&target, &manifest);
}

#[test]
fn child_sample_is_taken_among_the_rows_of_its_restricted_parents() {
    let source = school("slice_child_sample");
    let scratch = Scratch::new("child_sample");
    let dir = scratch.path("slice");
    let jobs = [
        ImportJob::<Student>::new().filter("id <= 10", params![]),
        ImportJob::<Enrollment>::new().sample(4),
        ImportJob::<Course>::new(),
    ];
    slice(&source, jobs, &dir, 3);
    let enrollments = Csv::read(&dir, "enrollment.csv");
    assert_eq!(enrollments.rows.len(), 4);
    assert!(
        enrollments.ints("student_id").iter().all(|s| *s <= 10),
        "only enrollments of the selected students: {:?}",
        enrollments.ints("student_id")
    );
    assert_eq!(
        Csv::read(&dir, "course.csv").ints("id"),
        (1..=6).collect(),
        "a job with no filter, sample or restricted parent: the whole table"
    );
    // Sampling more than the parents allow takes them all.
    let jobs = [
        ImportJob::<Student>::new().filter("id <= 3", params![]),
        ImportJob::<Enrollment>::new().sample(1_000),
    ];
    let dir = scratch.path("all");
    slice(&source, jobs, &dir, 3);
    assert_eq!(Csv::read(&dir, "enrollment.csv").rows.len(), 6);
}

#[test]
fn job_without_filter_sample_or_restricted_parent_exports_whole_tables() {
    let source = school("slice_whole");
    let scratch = Scratch::new("whole");
    let dir = scratch.path("slice");
    // The parent jobs restrict nothing, so the child is whole too.
    let jobs = [
        ImportJob::<Student>::new(),
        ImportJob::<Course>::new(),
        ImportJob::<Enrollment>::new(),
    ];
    let manifest = slice(&source, jobs, &dir, 3);
    assert_eq!(table(&manifest, "student").rows, 20);
    assert_eq!(table(&manifest, "course").rows, 6);
    assert_eq!(table(&manifest, "enrollment").rows, 40);
    // Rows come in key order.
    let ids: Vec<i64> = Csv::read(&dir, "enrollment.csv")
        .values("id")
        .into_iter()
        .map(|v| v.unwrap().parse().unwrap())
        .collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "{ids:?}");
}

#[derive(Importer)]
#[table("event")]
struct Event {
    id: i64,
    kind: String,
    at: DateTime<Utc>,
    note: Option<String>,
}

const EVENTS: &str = "
    CREATE TABLE event (id bigint PRIMARY KEY, kind text NOT NULL, at timestamptz NOT NULL,
                        note text);
    INSERT INTO event
        SELECT g, (ARRAY['login', 'logout', 'it''s \"odd\"'])[1 + g % 3],
               timestamptz '2024-01-01 00:00:00+00' + g * interval '1 hour',
               CASE WHEN g % 4 = 0 THEN 'note ' || g END
        FROM generate_series(1, 300) g;
";

#[test]
fn filter_binds_text_and_timestamp_parameters() {
    let source = TestDb::create("slice_params");
    source.execute(EVENTS);
    let scratch = Scratch::new("params");
    let cutoff = Utc.with_ymd_and_hms(2024, 1, 10, 0, 0, 0).unwrap();
    let kind = r#"it's "odd""#;
    let expected = ints(
        &mut source.client(),
        "SELECT id FROM event WHERE kind = $1 AND at >= $2",
        &[&kind, &cutoff],
    );
    assert!(expected.len() > 20);

    let dir = scratch.path("filtered");
    let jobs = [ImportJob::<Event>::new()
        .filter("kind = $1 AND at >= $2", params![kind.to_string(), cutoff])];
    slice(&source, jobs, &dir, 1);
    assert_eq!(Csv::read(&dir, "event.csv").ints("id"), expected);

    // With a sample: n of the matching rows.
    let dir = scratch.path("sampled");
    let jobs = [ImportJob::<Event>::new()
        .filter("kind = $1 AND at >= $2", params![kind, cutoff])
        .sample(7)];
    slice(&source, jobs, &dir, 1);
    let sampled = Csv::read(&dir, "event.csv").ints("id");
    assert_eq!(sampled.len(), 7);
    assert!(sampled.is_subset(&expected), "{sampled:?}");
}

#[test]
fn failing_filter_is_a_filter_error_naming_the_table_and_leaves_nothing_behind() {
    let source = TestDb::create("slice_bad_filter");
    source.execute(EVENTS);
    let scratch = Scratch::new("bad_filter");
    let dest = scratch.path("slice");
    let jobs = [ImportJob::<Event>::new().filter("no_such_column > $1", params![1_i64])];
    let error = try_slice(&source, jobs, &dest, &seeded(1)).expect_err("a bad column");
    match &error {
        Error::Filter { table, filter, .. } => {
            assert_eq!(table, "event");
            assert_eq!(filter, "no_such_column > $1");
        }
        other => panic!("expected Error::Filter, got {other:?}"),
    }
    let message = error.to_string();
    assert!(
        message.contains("event") && message.contains("no_such_column"),
        "{message}"
    );
    assert!(scratch.entries().is_empty(), "{:?}", scratch.entries());

    // The filter of a child restricted by a parent job fails the same way.
    let school = school("slice_bad_child_filter");
    let jobs = [
        ImportJob::<Student>::new().filter("id <= 3", params![]),
        ImportJob::<Enrollment>::new().filter("no_such_column", params![]),
    ];
    let error = try_slice(&school, jobs, &dest, &seeded(1)).expect_err("a bad column");
    assert!(
        matches!(&error, Error::Filter { table, .. } if table == "enrollment"),
        "{error:?}"
    );
    assert!(scratch.entries().is_empty(), "{:?}", scratch.entries());

    // The same with a sample (the sampling path runs the filter too).
    let jobs = [ImportJob::<Event>::new()
        .filter("no_such_column > $1", params![1_i64])
        .sample(5)];
    let error = try_slice(&source, jobs, &dest, &seeded(1)).expect_err("a bad column");
    assert!(
        matches!(&error, Error::Filter { table, .. } if table == "event"),
        "{error:?}"
    );
    assert!(scratch.entries().is_empty(), "{:?}", scratch.entries());
}

#[test]
fn sample_larger_than_the_table_takes_every_row() {
    let source = TestDb::create("slice_sample_all");
    source.execute(EVENTS);
    let scratch = Scratch::new("sample_all");
    let dir = scratch.path("slice");
    let jobs = [ImportJob::<Event>::new().sample(1_000)];
    slice(&source, jobs, &dir, 1);
    assert_eq!(Csv::read(&dir, "event.csv").ints("id"), (1..=300).collect());

    let dir = scratch.path("filtered");
    let jobs = [ImportJob::<Event>::new()
        .filter("id % 100 = 0", params![])
        .sample(50)];
    slice(&source, jobs, &dir, 1);
    assert_eq!(
        Csv::read(&dir, "event.csv").ints("id"),
        set([100, 200, 300])
    );

    // And a sample of none takes none.
    let dir = scratch.path("none");
    let manifest = slice(&source, [ImportJob::<Event>::new().sample(0)], &dir, 1);
    assert_eq!(table(&manifest, "event").rows, 0);
}

#[test]
fn filter_matching_nothing_gives_header_only_files() {
    let source = school("slice_empty");
    let scratch = Scratch::new("empty");
    let dir = scratch.path("slice");
    let jobs = [
        ImportJob::<Student>::new().filter("name = $1", params!["nobody"]),
        ImportJob::<Enrollment>::new(),
    ];
    let manifest = slice(&source, jobs, &dir, 1);
    for table in &manifest.tables {
        assert_eq!(table.rows, 0, "{}", table.table);
        let bytes = std::fs::read(dir.join(&table.file)).unwrap();
        let header = format!("{}\n", table.columns.join(","));
        assert_eq!(String::from_utf8(bytes).unwrap(), header, "{}", table.file);
    }
    assert_eq!(table_names(&manifest), ["student", "course", "enrollment"]);
    let target = TestDb::create_from_schema_of("slice_empty_copy", &source);
    load_ok(&dir, &target);
    assert_counts_match(&target, &manifest);
}

#[test]
fn filter_ending_in_a_line_comment_still_selects() {
    let source = TestDb::create("slice_comment_filter");
    source.execute(EVENTS);
    let scratch = Scratch::new("comment_filter");
    let dir = scratch.path("slice");
    let jobs = [ImportJob::<Event>::new().filter("id <= $1 -- the first ten", params![10_i64])];
    let manifest = try_slice(&source, jobs, &dir, &seeded(1))
        .unwrap_or_else(|e| panic!("a filter with a trailing comment is valid SQL: {e}"));
    assert_eq!(table(&manifest, "event").rows, 10);
}

#[test]
fn two_jobs_for_one_table_are_refused() {
    let source = TestDb::create("slice_two_jobs");
    source.execute(EVENTS);
    let scratch = Scratch::new("two_jobs");
    let jobs = [
        ImportJob::<Event>::new().sample(3),
        ImportJob::<Event>::new().filter("id < 5", params![]),
    ];
    let error = try_slice(&source, jobs, &scratch.path("slice"), &seeded(1)).expect_err("refused");
    assert!(
        matches!(&error, Error::Jobs(message) if message.contains("event")),
        "{error:?}"
    );
    assert!(scratch.entries().is_empty());
}

#[derive(Importer)]
#[table("big")]
struct Big {
    id: i64,
    grp: i32,
    payload: String,
}

/// 50 000 rows with increasing, sparse keys (`7g + g % 5`), a hole of
/// 100 000 keys, and ten groups.
const BIG: &str = "
    CREATE TABLE big (id bigint PRIMARY KEY, grp int NOT NULL, payload text NOT NULL);
    INSERT INTO big SELECT 7 * g + g % 5, g % 10, md5(g::text) FROM generate_series(1, 50000) g;
    DELETE FROM big WHERE id BETWEEN 100000 AND 200000;
    ANALYZE big;
";

/// Checks a sample of `n` rows of `big` matching `condition`: distinct,
/// existing, matching, with their own values, and spread over the table.
fn check_big_sample(source: &TestDb, dir: &std::path::Path, n: usize, condition: &str) {
    let csv = Csv::read(dir, "big.csv");
    let ids = csv.ints("id");
    assert_eq!(csv.rows.len(), n, "exactly n rows");
    assert_eq!(ids.len(), n, "distinct rows");
    let mut src = source.client();
    let matching: Vec<i64> = ints(
        &mut src,
        &format!("SELECT id FROM big WHERE {condition}"),
        &[],
    )
    .into_iter()
    .collect();
    let existing = ints(
        &mut src,
        "SELECT id FROM big WHERE id = ANY($1)",
        &[&int_array(&ids)],
    );
    assert_eq!(existing, ids, "every sampled row exists");
    let rows = texts(
        &mut src,
        "SELECT concat_ws(',', id, grp, payload) FROM big WHERE id = ANY($1)",
        &[&int_array(&ids)],
    );
    let mut written: Vec<String> = csv
        .rows
        .iter()
        .map(|r| {
            r.iter()
                .map(|f| f.clone().unwrap())
                .collect::<Vec<_>>()
                .join(",")
        })
        .collect();
    written.sort();
    assert_eq!(written, rows, "the rows' own values");
    let matching_set: BTreeSet<i64> = matching.iter().copied().collect();
    assert!(ids.is_subset(&matching_set), "every sampled row matches");
    // Spread: by rank among the matching rows, each tenth holds some.
    let mut deciles = [0usize; 10];
    for id in &ids {
        let rank = matching.binary_search(id).unwrap();
        deciles[rank * 10 / matching.len()] += 1;
    }
    let expected = n / 10;
    assert!(
        deciles
            .iter()
            .all(|&d| d > expected / 3 && d < expected * 3),
        "the sample is spread over the table: {deciles:?}"
    );
}

#[test]
fn sampling_a_large_sparse_table_returns_exactly_n_distinct_matching_rows() {
    let source = TestDb::create("slice_big");
    source.execute(BIG);
    let scratch = Scratch::new("big");

    // No filter: keys probed at random in the key range.
    let dir = scratch.path("plain");
    slice(&source, [ImportJob::<Big>::new().sample(500)], &dir, 17);
    check_big_sample(&source, &dir, 500, "true");

    // A filter matching a tenth: too selective to probe, read and chosen.
    let dir = scratch.path("group");
    let jobs = [ImportJob::<Big>::new()
        .filter("grp = $1", params![3_i32])
        .sample(1_000)];
    slice(&source, jobs, &dir, 17);
    check_big_sample(&source, &dir, 1_000, "grp = 3");
    assert!(
        Csv::read(&dir, "big.csv")
            .values("grp")
            .iter()
            .all(|g| g.as_deref() == Some("3"))
    );

    // A filter matching half: probing finds them.
    let dir = scratch.path("half");
    let jobs = [ImportJob::<Big>::new()
        .filter("grp < $1", params![5_i32])
        .sample(300)];
    slice(&source, jobs, &dir, 17);
    check_big_sample(&source, &dir, 300, "grp < 5");

    // The same seed, the same sample, whatever the batch size.
    let small = Options {
        seed: 17,
        batch_size: 13,
        ..Default::default()
    };
    let again = try_slice(
        &source,
        [ImportJob::<Big>::new().sample(500)],
        &scratch.path("again"),
        &small,
    )
    .unwrap();
    assert_eq!(
        table(&again, "big").sha256,
        sha256_hex(&std::fs::read(scratch.path("plain").join("big.csv")).unwrap())
    );
}

#[derive(Importer)]
#[table("small")]
struct Small {
    id: i32,
    label: String,
}

#[test]
fn sample_of_a_table_with_a_small_key_range_finishes() {
    // Key ranges a little larger than four times the sample: 2 of 12 rows,
    // 10 of 50. A run takes milliseconds; a minute means it hangs.
    let source = TestDb::create("slice_small_range");
    source.execute(
        "CREATE TABLE small (id int PRIMARY KEY, label text NOT NULL);
         INSERT INTO small SELECT g, 'row ' || g FROM generate_series(1, 12) g;",
    );
    let scratch = Scratch::new("small_range");
    for (rows, n) in [(12, 2), (50, 10)] {
        source.execute(&format!(
            "INSERT INTO small SELECT g, 'row ' || g FROM generate_series(13, {rows}) g \
             ON CONFLICT DO NOTHING"
        ));
        let dir = scratch.path(&format!("slice{rows}"));
        let manifest = try_slice_within(
            source.client(),
            [ImportJob::<Small>::new().sample(n)],
            &dir,
            &seeded(1),
            std::time::Duration::from_secs(60),
        )
        .unwrap_or_else(|e| panic!("download failed: {e}"));
        check_files(&dir, &manifest);
        let ids = Csv::read(&dir, "small.csv").ints("id");
        assert_eq!(ids.len() as u64, n, "{n} of {rows}");
        assert!(ids.iter().all(|id| (1..=rows).contains(id)), "{ids:?}");
    }
}
