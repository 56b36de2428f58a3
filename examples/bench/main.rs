//! The benchmark: dataslicer against psql's COPY on the same data, in one run.
//!
//! ```text
//! cargo run --release --example bench -- --scale 1
//! ```
//!
//! Builds the shop database (`scale` 1: 100k customers, 500k orders, 1.6M
//! order items) in a database of its own, then measures each case against
//! its floor, paired (ours, then psql's, per run), and prints the medians:
//!
//! 1. the items table alone, and a job of it with every parent it needs, vs
//!    `\copy` of every table written;
//! 2. every customer with four faked columns vs `\copy` of what is written;
//! 3. slices of 1,000, 20,000 and 100,000 customers vs the same row sets
//!    computed by SQL over one psql connection and written with `\copy`;
//! 4. the 1,000-customer slice at 5 times the scale vs at the scale;
//! 5. loading the 20,000-customer slice vs `psql --single-transaction` with
//!    `\copy ... FROM` of the same files in the same order;
//! 6. that slice straight from PostgreSQL into PostgreSQL vs floors 3 + 5;
//! 7. `--jobs 2` vs `--jobs 1` (ours against ours, paired) for the whole
//!    tables of case 1 and the slices of case 3, checking that both write
//!    the same bytes.
//!
//! Our side runs as a child process (this program, `__child`) and reports
//! its peak resident memory. The table goes to standard output, the same
//! numbers as JSON to `--json` (default `bench.json`) for comparisons across
//! commits. A benchmark, never a test of speed: the machine may be noisy.
//!
//! Options: `--scale X` (default 1), `--runs N` (default 3), `--cases
//! 1,2,3,4,5,6,7` (default all), `--sizes 1000,20000,100000` (case 3's
//! customer counts; case 4 uses the first, cases 5 and 6 the second),
//! `--json PATH`, `--seed N`.

mod floor;
mod models;

use dataslicer_dev::{TestDb, shop};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("__child") {
        return child(&args[2..]);
    }
    match Args::parse(&args[1..]) {
        Ok(args) => match bench(&args) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("bench: {e}");
                ExitCode::FAILURE
            }
        },
        Err(e) => {
            eprintln!("bench: {e}");
            ExitCode::from(2)
        }
    }
}

/// Our side: `__child JOBS RSS_FILE ARGS...` runs the exporter with the
/// named jobs on `ARGS`, then writes its peak resident memory (kB) to
/// `RSS_FILE`.
fn child(args: &[String]) -> ExitCode {
    let [name, rss_file, rest @ ..] = args else {
        eprintln!("bench __child: expected JOBS RSS_FILE ARGS...");
        return ExitCode::from(2);
    };
    let Some(jobs) = models::jobs(name) else {
        eprintln!("bench __child: no jobs named {name}");
        return ExitCode::from(2);
    };
    let argv = std::iter::once("bench".to_string()).chain(rest.iter().cloned());
    let code = match dataslicer::cli::App::new("bench", jobs).run_with(argv) {
        Ok(report) => {
            print!("{report}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    };
    let peak = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        })
        .unwrap_or(0);
    if let Err(e) = std::fs::write(rss_file, peak.to_string()) {
        eprintln!("bench __child: writing {rss_file}: {e}");
        return ExitCode::FAILURE;
    }
    code
}

type Result<T> = std::result::Result<T, String>;

#[derive(Debug)]
struct Args {
    scale: f64,
    runs: usize,
    cases: Vec<u32>,
    sizes: Vec<u64>,
    json: PathBuf,
    seed: u64,
}

impl Args {
    fn parse(args: &[String]) -> Result<Args> {
        let mut out = Args {
            scale: 1.0,
            runs: 3,
            cases: vec![1, 2, 3, 4, 5, 6, 7],
            sizes: vec![1_000, 20_000, 100_000],
            json: PathBuf::from("bench.json"),
            seed: 42,
        };
        let mut it = args.iter();
        while let Some(flag) = it.next() {
            let mut value = || {
                it.next()
                    .cloned()
                    .ok_or_else(|| format!("{flag} needs a value"))
            };
            let list = |v: String| -> Result<Vec<u64>> {
                v.split(',')
                    .map(|n| n.trim().parse().map_err(|_| format!("{flag}: {n}?")))
                    .collect()
            };
            match flag.as_str() {
                "--scale" => {
                    out.scale = value()?.parse().map_err(|_| "--scale: a number")?;
                    if out.scale.is_nan() || out.scale <= 0.0 {
                        return Err("--scale must be positive".into());
                    }
                }
                "--runs" => {
                    out.runs = value()?.parse().map_err(|_| "--runs: a number")?;
                    if out.runs == 0 {
                        return Err("--runs must be at least 1".into());
                    }
                }
                "--cases" => out.cases = list(value()?)?.into_iter().map(|c| c as u32).collect(),
                "--sizes" => {
                    out.sizes = list(value()?)?;
                    if out.sizes.len() < 2 {
                        return Err("--sizes: at least two customer counts".into());
                    }
                }
                "--json" => out.json = PathBuf::from(value()?),
                "--seed" => out.seed = value()?.parse().map_err(|_| "--seed: a number")?,
                "-h" | "--help" => {
                    return Err(
                        "usage: bench [--scale X] [--runs N] [--cases 1,2,...] [--sizes A,B,...] \
                         [--json PATH] [--seed N]"
                            .into(),
                    );
                }
                other => return Err(format!("unknown argument {other} (try --help)")),
            }
        }
        Ok(out)
    }
}

/// The shop's customers at `scale` (`shop.sql`'s 100,000 per unit).
fn customers_at(scale: f64) -> u32 {
    ((100_000.0 * scale).round() as u32).max(100)
}

/// One line of the results.
#[derive(Debug, Clone)]
struct Outcome {
    case: String,
    what: String,
    ours: Vec<f64>,
    floor: Vec<f64>,
    rows: u64,
    floor_rows: u64,
    peak_kb: u64,
    /// The largest ratio the issue accepts, if it sets one.
    target: Option<f64>,
}

fn median(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

impl Outcome {
    fn ratio(&self) -> f64 {
        median(&self.ours) / median(&self.floor)
    }
}

/// Where a run works: databases, scratch files, the binary to run as our side.
struct Bench<'a> {
    args: &'a Args,
    exe: PathBuf,
    work: PathBuf,
    outcomes: Vec<Outcome>,
}

fn bench(args: &Args) -> Result<()> {
    let work = std::env::temp_dir().join(format!("dataslicer-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).map_err(|e| format!("{}: {e}", work.display()))?;
    let mut bench = Bench {
        args,
        exe: std::env::current_exe().map_err(|e| e.to_string())?,
        work: work.clone(),
        outcomes: Vec::new(),
    };
    let result = bench.run_cases();
    let _ = std::fs::remove_dir_all(&work);
    result?;
    print!("{}", table(&bench.outcomes, args));
    let json = json(&bench.outcomes, args);
    std::fs::write(
        &args.json,
        serde_json::to_string_pretty(&json).unwrap() + "\n",
    )
    .map_err(|e| format!("{}: {e}", args.json.display()))?;
    eprintln!("wrote {}", args.json.display());
    Ok(())
}

fn build_shop(customers: u32) -> Result<(TestDb, f64)> {
    eprintln!("building the shop with {customers} customers ...");
    let start = Instant::now();
    let db = TestDb::create("bench_shop");
    shop::create(&mut db.client(), customers).map_err(|e| format!("building the shop: {e}"))?;
    // As autovacuum leaves a production database: visibility maps set, so
    // that index-only scans (ours and psql's) need not visit the heap.
    db.client()
        .batch_execute("VACUUM (ANALYZE)")
        .map_err(|e| format!("vacuuming the shop: {e}"))?;
    let secs = start.elapsed().as_secs_f64();
    eprintln!("  built in {secs:.1} s");
    Ok((db, secs))
}

impl Bench<'_> {
    fn run_cases(&mut self) -> Result<()> {
        let args = self.args;
        let has = |c: u32| args.cases.contains(&c);
        let (db, _) = build_shop(customers_at(args.scale))?;
        let url = db.url().to_string();
        if has(1) {
            self.whole_table(
                "1a",
                "orders_orderitem alone (no modelled keys)",
                "items-alone",
                &url,
                1.15,
            )?;
            self.whole_table(
                "1b",
                "orders_orderitem whole, with its parents",
                "items",
                &url,
                1.15,
            )?;
        }
        if has(2) {
            self.whole_table(
                "2",
                "accounts_customer whole, 4 columns faked",
                "customers",
                &url,
                1.5,
            )?;
        }
        let sizes = args.sizes.clone();
        let mut slice_of = Vec::new();
        if has(3) || has(4) || has(5) || has(6) {
            let wanted: Vec<u64> = if has(3) {
                sizes.clone()
            } else {
                sizes[..2].to_vec()
            };
            for n in wanted {
                slice_of.push(self.slice(&format!("3 {n}"), n, &url)?);
            }
        }
        if has(4) {
            let small = slice_of[0].clone();
            let (large_db, _) = build_shop(customers_at(args.scale * 5.0))?;
            let mut large = self.slice(&format!("4 {}", sizes[0]), sizes[0], large_db.url())?;
            self.outcomes.pop();
            drop(large_db);
            // Against the same slice at 1x: its floor is our own time there.
            large.case = "4".into();
            large.what = format!(
                "{} customers at scale {} vs at scale {}",
                sizes[0],
                args.scale * 5.0,
                args.scale
            );
            large.floor = small.ours.clone();
            large.target = Some(1.2);
            self.outcomes.push(large);
        }
        if !has(3) {
            self.outcomes.retain(|o| !o.case.starts_with("3 "));
        }
        if has(5) || has(6) {
            let target = TestDb::create("bench_target");
            let dir = self.work.join("slice-kept");
            let load = if has(5) || has(6) {
                Some(self.load(&dir, &target)?)
            } else {
                None
            };
            if has(6) {
                let floor3 = slice_of[1].floor.clone();
                let floor5 = load.as_ref().expect("measured").floor.clone();
                self.pg_to_pg(sizes[1], &url, &target, &floor3, &floor5)?;
            }
            if !has(5) {
                self.outcomes.retain(|o| o.case != "5");
            }
        }
        if has(7) {
            self.jobs("7 1a", "orders_orderitem alone", "items-alone", &url, &[])?;
            self.jobs(
                "7 1b",
                "orders_orderitem with its parents",
                "items",
                &url,
                &[],
            )?;
            for &n in &sizes {
                let sample = format!("accounts_customer={n}");
                self.jobs(
                    &format!("7 3 {n}"),
                    &format!("slice of {n} customers"),
                    "shop",
                    &url,
                    &["--sample", &sample],
                )?;
            }
        }
        Ok(())
    }

    /// Runs our side once: `jobs` on `args`; returns (seconds, peak kB).
    fn ours(&self, jobs: &str, args: &[String]) -> Result<(f64, u64)> {
        let rss = self.work.join("rss");
        let start = Instant::now();
        let output = Command::new(&self.exe)
            .arg("__child")
            .arg(jobs)
            .arg(&rss)
            .args(args)
            .env_remove("DATABASE_URL")
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("running {}: {e}", self.exe.display()))?;
        let secs = start.elapsed().as_secs_f64();
        if !output.status.success() {
            return Err(format!(
                "our side ({jobs} {}) failed: {}",
                args.join(" "),
                String::from_utf8_lossy(&output.stderr)
            ));
        }
        let peak = std::fs::read_to_string(&rss)
            .ok()
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(0);
        Ok((secs, peak))
    }

    /// Runs a psql script on `url`; returns seconds.
    fn psql(&self, url: &str, script: &str, single_transaction: bool) -> Result<f64> {
        let file = self.work.join("floor.sql");
        std::fs::write(&file, script).map_err(|e| e.to_string())?;
        let mut command = Command::new("psql");
        command
            .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-f"])
            .arg(&file)
            .stdin(Stdio::null());
        if single_transaction {
            command.arg("--single-transaction");
        }
        let start = Instant::now();
        let output = command
            .output()
            .map_err(|e| format!("running psql (is it installed?): {e}"))?;
        let secs = start.elapsed().as_secs_f64();
        if !output.status.success() {
            return Err(format!(
                "psql failed: {}\nscript:\n{script}",
                String::from_utf8_lossy(&output.stderr)
            ));
        }
        Ok(secs)
    }

    fn fresh_dir(&self, name: &str) -> PathBuf {
        let dir = self.work.join(name);
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    /// A job that writes whole tables, vs `\copy` of each table it writes.
    fn whole_table(
        &mut self,
        case: &str,
        what: &str,
        jobs: &str,
        url: &str,
        target: f64,
    ) -> Result<()> {
        eprintln!("case {case}: {what}");
        let mut outcome = self.outcome(case, what, Some(target));
        for _ in 0..self.args.runs {
            let out = self.fresh_dir("ours");
            let (secs, peak) = self.ours(jobs, &self.slice_args(url, &out, &[]))?;
            let manifest = read_manifest(&out)?;
            outcome.record_ours(secs, peak, manifest_rows(&manifest));
            let tables: Vec<String> = manifest["tables"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|t| t["table"].as_str().map(str::to_string))
                .collect();
            let names: Vec<&str> = tables.iter().map(String::as_str).collect();
            let floor_dir = self.fresh_dir("floor");
            std::fs::create_dir_all(&floor_dir).map_err(|e| e.to_string())?;
            let secs = self.psql(url, &floor::copy_tables(&names, &floor_dir), false)?;
            outcome.floor.push(secs);
            outcome.floor_rows = csv_rows(&floor_dir)?;
        }
        self.report(&outcome);
        self.outcomes.push(outcome);
        Ok(())
    }

    /// `--jobs 2` vs `--jobs 1`, paired, ours against ours; fails unless
    /// both write the same bytes.
    fn jobs(
        &mut self,
        case: &str,
        what: &str,
        jobs: &str,
        url: &str,
        extra: &[&str],
    ) -> Result<()> {
        let what = format!("{what}, --jobs 2 vs --jobs 1");
        eprintln!("case {case}: {what}");
        let mut outcome = self.outcome(case, &what, None);
        for _ in 0..self.args.runs {
            let one = self.fresh_dir("jobs-1");
            let mut args = self.slice_args(url, &one, extra);
            args.extend(["--jobs".to_string(), "1".to_string()]);
            let (secs, _) = self.ours(jobs, &args)?;
            outcome.floor.push(secs);
            let two = self.fresh_dir("jobs-2");
            let mut args = self.slice_args(url, &two, extra);
            args.extend(["--jobs".to_string(), "2".to_string()]);
            let (secs, peak) = self.ours(jobs, &args)?;
            let (a, b) = (read_manifest(&one)?, read_manifest(&two)?);
            if a["tables"] != b["tables"] {
                return Err(format!(
                    "case {case}: --jobs 2 wrote other files than --jobs 1"
                ));
            }
            outcome.record_ours(secs, peak, manifest_rows(&b));
            outcome.floor_rows = manifest_rows(&a);
        }
        self.report(&outcome);
        self.outcomes.push(outcome);
        Ok(())
    }

    /// The shop's slice of `customers` customers vs the same by SQL. Keeps
    /// the last of our slices in `slice-<customers>`.
    fn slice(&mut self, case: &str, customers: u64, url: &str) -> Result<Outcome> {
        let what = format!("slice of {customers} customers");
        eprintln!("case {case}: {what}");
        let mut outcome = self.outcome(case, &what, Some(0.8));
        let sample = format!("accounts_customer={customers}");
        for _ in 0..self.args.runs {
            let out = self.fresh_dir(&format!("slice-{customers}"));
            let (secs, peak) =
                self.ours("shop", &self.slice_args(url, &out, &["--sample", &sample]))?;
            outcome.record_ours(secs, peak, manifest_rows(&read_manifest(&out)?));
            let floor_dir = self.fresh_dir("floor");
            std::fs::create_dir_all(&floor_dir).map_err(|e| e.to_string())?;
            let secs = self.psql(url, &floor::shop_slice(customers, &floor_dir), false)?;
            outcome.floor.push(secs);
            outcome.floor_rows = csv_rows(&floor_dir)?;
        }
        self.report(&outcome);
        self.outcomes.push(outcome.clone());
        Ok(outcome)
    }

    /// Loads the second slice size's directory (moved to `dir`) into
    /// `target`, vs psql.
    fn load(&mut self, dir: &Path, target: &TestDb) -> Result<Outcome> {
        let customers = self.args.sizes[1];
        let slice = self.work.join(format!("slice-{customers}"));
        std::fs::rename(&slice, dir).map_err(|e| format!("keeping {}: {e}", slice.display()))?;
        let manifest = read_manifest(dir)?;
        let files: Vec<(String, PathBuf)> = manifest["tables"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|t| {
                (
                    t["table"].as_str().unwrap_or_default().to_string(),
                    dir.join(t["file"].as_str().unwrap_or_default()),
                )
            })
            .collect();
        let what = format!("load the {customers}-customer slice");
        eprintln!("case 5: {what}");
        let mut outcome = self.outcome("5", &what, Some(1.05));
        let args: Vec<String> = vec![
            "load".into(),
            "--from".into(),
            dir.display().to_string(),
            "--to".into(),
            target.url().to_string(),
        ];
        for _ in 0..self.args.runs {
            reset(target)?;
            let (secs, peak) = self.ours("shop", &args)?;
            outcome.record_ours(secs, peak, target_rows(target)?);
            reset(target)?;
            let secs = self.psql(target.url(), &floor::load(&files), true)?;
            outcome.floor.push(secs);
            outcome.floor_rows = target_rows(target)?;
        }
        self.report(&outcome);
        self.outcomes.push(outcome.clone());
        Ok(outcome)
    }

    /// The slice straight into PostgreSQL vs the floors of 3 and 5 together.
    fn pg_to_pg(
        &mut self,
        customers: u64,
        url: &str,
        target: &TestDb,
        floor3: &[f64],
        floor5: &[f64],
    ) -> Result<()> {
        let what = format!("{customers} customers PostgreSQL to PostgreSQL vs floors 3 + 5");
        eprintln!("case 6: {what}");
        let mut outcome = self.outcome("6", &what, None);
        let sample = format!("accounts_customer={customers}");
        let mut args = self.slice_args(url, Path::new("unused"), &["--sample", &sample]);
        let to = args.iter().position(|a| a == "--to").expect("--to") + 1;
        args[to] = target.url().to_string();
        for _ in 0..self.args.runs {
            reset(target)?;
            let (secs, peak) = self.ours("shop", &args)?;
            outcome.record_ours(secs, peak, target_rows(target)?);
        }
        outcome.floor_rows = outcome.rows;
        outcome.floor = floor3.iter().zip(floor5).map(|(a, b)| a + b).collect();
        self.report(&outcome);
        self.outcomes.push(outcome);
        Ok(())
    }

    fn slice_args(&self, url: &str, out: &Path, extra: &[&str]) -> Vec<String> {
        let mut args: Vec<String> = vec![
            "slice".into(),
            "--from".into(),
            url.into(),
            "--to".into(),
            out.display().to_string(),
            "--seed".into(),
            self.args.seed.to_string(),
            "--no-progress".into(),
        ];
        args.extend(extra.iter().map(|s| s.to_string()));
        args
    }

    fn outcome(&self, case: &str, what: &str, target: Option<f64>) -> Outcome {
        Outcome {
            case: case.into(),
            what: what.into(),
            ours: Vec::new(),
            floor: Vec::new(),
            rows: 0,
            floor_rows: 0,
            peak_kb: 0,
            target,
        }
    }

    fn report(&self, o: &Outcome) {
        eprintln!(
            "  ours {:.3} s, floor {:.3} s, ratio {:.2}, {} rows (floor {}), peak {:.1} MB",
            median(&o.ours),
            median(&o.floor),
            o.ratio(),
            o.rows,
            o.floor_rows,
            o.peak_kb as f64 / 1024.0
        );
    }
}

impl Outcome {
    fn record_ours(&mut self, secs: f64, peak_kb: u64, rows: u64) {
        self.ours.push(secs);
        self.peak_kb = self.peak_kb.max(peak_kb);
        self.rows = rows;
    }
}

/// Empties the load target: the shop's tables, dropped and created again.
fn reset(target: &TestDb) -> Result<()> {
    let mut tables = shop::TABLES;
    tables.reverse();
    let sql = format!(
        "DROP TABLE IF EXISTS {} CASCADE;\n{}",
        tables.join(", "),
        shop::SCHEMA
    );
    target
        .client()
        .batch_execute(&sql)
        .map_err(|e| format!("resetting the target: {e}"))
}

fn target_rows(target: &TestDb) -> Result<u64> {
    let sql = shop::TABLES
        .iter()
        .map(|t| format!("(SELECT count(*) FROM {t})"))
        .collect::<Vec<_>>()
        .join(" + ");
    let row = target
        .client()
        .query_one(&format!("SELECT ({sql})::int8"), &[])
        .map_err(|e| format!("counting the target's rows: {e}"))?;
    Ok(row.get::<_, i64>(0) as u64)
}

fn read_manifest(dir: &Path) -> Result<serde_json::Value> {
    let path = dir.join("manifest.json");
    let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_slice(&bytes).map_err(|e| format!("{}: {e}", path.display()))
}

fn manifest_rows(manifest: &serde_json::Value) -> u64 {
    manifest["tables"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| t["rows"].as_u64())
        .sum()
}

/// Records in the CSV files of `dir`, headers left out (the shop's values
/// hold no line breaks).
fn csv_rows(dir: &Path) -> Result<u64> {
    let mut rows = 0;
    for entry in std::fs::read_dir(dir).map_err(|e| e.to_string())? {
        let path = entry.map_err(|e| e.to_string())?.path();
        let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        rows += bytecount(&bytes).saturating_sub(1);
    }
    Ok(rows)
}

fn bytecount(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| b == b'\n').count() as u64
}

fn table(outcomes: &[Outcome], args: &Args) -> String {
    let mut out = format!(
        "dataslicer bench: scale {} ({} customers), median of {} runs, seed {}\n",
        args.scale,
        customers_at(args.scale),
        args.runs,
        args.seed
    );
    out.push_str(&format!(
        "{:<5} {:<52} {:>9} {:>9} {:>6} {:>7} {:>9} {:>10} {:>8}\n",
        "case", "what", "ours s", "floor s", "ratio", "target", "rows", "rows/s", "peak MB"
    ));
    for o in outcomes {
        let ours = median(&o.ours);
        let target = match o.target {
            Some(t) if o.ratio() <= t => format!("<={t} ok"),
            Some(t) => format!("<={t} NO"),
            None => "-".into(),
        };
        out.push_str(&format!(
            "{:<5} {:<52} {:>9.3} {:>9.3} {:>6.2} {:>7} {:>9} {:>10.0} {:>8.1}\n",
            o.case,
            o.what,
            ours,
            median(&o.floor),
            o.ratio(),
            target,
            o.rows,
            o.rows as f64 / ours,
            o.peak_kb as f64 / 1024.0
        ));
    }
    out
}

fn json(outcomes: &[Outcome], args: &Args) -> serde_json::Value {
    let commit = Command::new("git")
        .args(["rev-parse", "HEAD"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    serde_json::json!({
        "scale": args.scale,
        "customers": customers_at(args.scale),
        "runs": args.runs,
        "seed": args.seed,
        "commit": commit,
        "cases": outcomes.iter().map(|o| serde_json::json!({
            "case": o.case,
            "what": o.what,
            "ours_seconds": o.ours,
            "floor_seconds": o.floor,
            "ours_median": median(&o.ours),
            "floor_median": median(&o.floor),
            "ratio": o.ratio(),
            "target": o.target,
            "met": o.target.map(|t| o.ratio() <= t),
            "rows": o.rows,
            "floor_rows": o.floor_rows,
            "rows_per_second": o.rows as f64 / median(&o.ours),
            "peak_kb": o.peak_kb,
        })).collect::<Vec<_>>(),
    })
}
