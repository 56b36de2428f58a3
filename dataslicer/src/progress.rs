//! What a run shows while it works. The run calls the [`Report`] trait and
//! nothing else; [`Stderr`] draws it on standard error: a bar per table
//! with its rows, rate and an estimated time left (from the exact count of
//! the keys selected, or the planner's estimates) when
//! standard error is a terminal, a line per table otherwise, and a summary
//! with rows, bytes and time per table at the end.

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// What a run tells while it works. Tables are numbered by their place in
/// the load order; with `--jobs`, several are written at once, so the calls
/// come from several threads.
pub trait Report: Sync {
    /// What the run is doing now ("selecting orders_order").
    fn status(&self, message: &str);

    /// Table `index` starts being written; about `expected` rows, when
    /// known.
    fn table_started(&self, index: usize, table: &str, expected: Option<u64>);

    /// About `rows` rows of table `index` are written so far.
    fn table_progress(&self, index: usize, rows: u64);

    /// Table `index` is written.
    fn table_done(&self, index: usize, done: &TableDone);

    /// The run is over: `succeeded`, or failed and undone (a directory
    /// removed, a transaction rolled back), when what was written is gone.
    fn finished(&self, succeeded: bool);
}

/// What writing one table took.
#[derive(Debug, Clone, PartialEq)]
pub struct TableDone {
    /// The table.
    pub table: String,
    /// Its rows.
    pub rows: u64,
    /// The bytes of its CSV records (no header).
    pub bytes: u64,
    /// From its first row to its last.
    pub elapsed: Duration,
}

/// Shows nothing.
#[derive(Debug, Default, Clone, Copy)]
pub struct Silent;

impl Report for Silent {
    fn status(&self, _message: &str) {}
    fn table_started(&self, _index: usize, _table: &str, _expected: Option<u64>) {}
    fn table_progress(&self, _index: usize, _rows: u64) {}
    fn table_done(&self, _index: usize, _done: &TableDone) {}
    fn finished(&self, _succeeded: bool) {}
}

/// Progress on standard error: bars on a terminal, lines otherwise, and a
/// summary at the end.
pub struct Stderr {
    bars: Option<Bars>,
    /// The last status line printed, in line mode (a walk repeats them).
    last_status: Mutex<String>,
    done: Mutex<Vec<(usize, TableDone)>>,
    start: Instant,
}

struct Bars {
    multi: MultiProgress,
    status: ProgressBar,
    tables: Mutex<HashMap<usize, ProgressBar>>,
}

impl Stderr {
    /// Bars when standard error is a terminal, lines otherwise.
    pub fn new() -> Stderr {
        Stderr::with_bars(std::io::stderr().is_terminal())
    }

    /// Bars or lines, whatever standard error is.
    pub fn with_bars(bars: bool) -> Stderr {
        let bars = bars.then(|| {
            let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stderr());
            let status = multi.add(ProgressBar::new_spinner());
            status.enable_steady_tick(Duration::from_millis(120));
            Bars {
                multi,
                status,
                tables: Mutex::default(),
            }
        });
        Stderr {
            bars,
            last_status: Mutex::default(),
            done: Mutex::default(),
            start: Instant::now(),
        }
    }

    fn line(&self, line: &str) {
        match &self.bars {
            Some(bars) => {
                let _ = bars.multi.println(line);
            }
            None => {
                let _ = writeln!(std::io::stderr().lock(), "{line}");
            }
        }
    }

    /// The summary: one line per table in load order, then the total.
    pub fn summary(&self) -> String {
        let mut done = lock(&self.done).clone();
        done.sort_by_key(|(index, _)| *index);
        let width = done
            .iter()
            .map(|(_, d)| d.table.len())
            .max()
            .unwrap_or(0)
            .max(5);
        let mut out = format!(
            "{:<width$} {:>12} {:>10} {:>9}\n",
            "table", "rows", "bytes", "time"
        );
        let (mut rows, mut bytes) = (0, 0);
        for (_, d) in &done {
            rows += d.rows;
            bytes += d.bytes;
            out.push_str(&format!(
                "{:<width$} {:>12} {:>10} {:>9}\n",
                d.table,
                d.rows,
                size(d.bytes),
                seconds(d.elapsed)
            ));
        }
        out.push_str(&format!(
            "{:<width$} {:>12} {:>10} {:>9}\n",
            "total",
            rows,
            size(bytes),
            seconds(self.start.elapsed())
        ));
        out
    }
}

impl Default for Stderr {
    fn default() -> Self {
        Stderr::new()
    }
}

impl Report for Stderr {
    fn status(&self, message: &str) {
        match &self.bars {
            Some(bars) => bars.status.set_message(message.to_string()),
            None => {
                let mut last = lock(&self.last_status);
                if *last != message {
                    message.clone_into(&mut last);
                    self.line(message);
                }
            }
        }
    }

    fn table_started(&self, index: usize, table: &str, expected: Option<u64>) {
        let Some(bars) = &self.bars else { return };
        // Rows a second, whole: indicatif's own `per_sec` shows fractions.
        let rate = |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
            let _ = write!(w, "{:>9.0}/s", state.per_sec());
        };
        let bar = match expected {
            Some(n) => ProgressBar::new(n).with_style(
                ProgressStyle::with_template(
                    "{prefix:30!} [{bar:25}] {human_pos:>11}/{human_len} rows {rate} {eta:>4} left",
                )
                .expect("a valid template")
                .with_key("rate", rate)
                .progress_chars("=> "),
            ),
            None => ProgressBar::new_spinner().with_style(
                ProgressStyle::with_template("{prefix:30!} {spinner} {human_pos:>11} rows {rate}")
                    .expect("a valid template")
                    .with_key("rate", rate),
            ),
        };
        let bar = bars.multi.add(bar.with_prefix(table.to_string()));
        lock(&bars.tables).insert(index, bar);
    }

    fn table_progress(&self, index: usize, rows: u64) {
        if let Some(bars) = &self.bars
            && let Some(bar) = lock(&bars.tables).get(&index)
        {
            // An estimate may be short; the bar grows rather than overflows.
            if bar.length().is_some_and(|len| rows > len) {
                bar.set_length(rows);
            }
            bar.set_position(rows);
        }
    }

    fn table_done(&self, index: usize, done: &TableDone) {
        if let Some(bars) = &self.bars
            && let Some(bar) = lock(&bars.tables).remove(&index)
        {
            bar.finish_and_clear();
            bars.multi.remove(&bar);
        }
        self.line(&format!(
            "{}: {} rows, {} in {}",
            done.table,
            done.rows,
            size(done.bytes),
            seconds(done.elapsed)
        ));
        lock(&self.done).push((index, done.clone()));
    }

    /// Clears the bars; the summary only after a success, since a failed
    /// run's tables are gone.
    fn finished(&self, succeeded: bool) {
        if let Some(bars) = &self.bars {
            bars.status.finish_and_clear();
            for bar in lock(&bars.tables).drain().map(|(_, bar)| bar) {
                bar.finish_and_clear();
            }
        }
        if succeeded && !lock(&self.done).is_empty() {
            self.line(self.summary().trim_end());
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// `1.5 MB`, `820 kB`, `12 B`.
fn size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "kB", "MB", "GB", "TB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    match unit {
        0 => format!("{bytes} B"),
        _ => format!("{value:.1} {}", UNITS[unit]),
    }
}

/// `0.42 s`, `12.3 s`, `2 min 05 s`.
fn seconds(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s < 10.0 {
        format!("{s:.2} s")
    } else if s < 60.0 {
        format!("{s:.1} s")
    } else {
        format!("{} min {:02} s", d.as_secs() / 60, d.as_secs() % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_times_read_naturally() {
        assert_eq!(size(12), "12 B");
        assert_eq!(size(820_400), "820.4 kB");
        assert_eq!(size(1_500_000), "1.5 MB");
        assert_eq!(seconds(Duration::from_millis(420)), "0.42 s");
        assert_eq!(seconds(Duration::from_secs(125)), "2 min 05 s");
    }

    #[test]
    fn the_summary_lists_tables_in_load_order_with_a_total() {
        let report = Stderr::with_bars(false);
        let done = |table: &str, rows, bytes| TableDone {
            table: table.into(),
            rows,
            bytes,
            elapsed: Duration::from_millis(250),
        };
        // With --jobs, tables finish out of order.
        report
            .done
            .lock()
            .unwrap()
            .push((1, done("orders_order", 20, 2_000)));
        report
            .done
            .lock()
            .unwrap()
            .push((0, done("accounts_customer", 5, 500)));
        let summary = report.summary();
        let lines: Vec<&str> = summary.lines().collect();
        assert_eq!(lines.len(), 4, "{summary}");
        assert!(lines[1].starts_with("accounts_customer"), "{summary}");
        assert!(lines[2].starts_with("orders_order"), "{summary}");
        assert!(
            lines[3].starts_with("total") && lines[3].contains(" 25 "),
            "{summary}"
        );
        assert!(lines[3].contains("2.5 kB"), "{summary}");
    }
}
