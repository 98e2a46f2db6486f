//! `unrolled-bench`: the course's workloads on the core against the notebooks' numpy code,
//! side by side in one run.
//!
//! After a warm-up, each of `--rounds` rounds times every workload once on the numpy side (a
//! long-lived `python/serve.py`) and once on each Rust side, alternating which side goes first,
//! so drift in the machine's load hits both; a Rust side is timed only once the numpy process
//! has stopped using the CPU (its BLAS threads spin on after a call). The table reports
//! medians and their ratios.
//!
//! Every Rust timed region runs under a counting global allocator; if any region allocates,
//! the run fails.
#![deny(unsafe_code)]

mod alloc;
mod flops;
mod peak;
mod python;
mod settings;
mod workloads;

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use serde_json::{Value, json};

use workloads::{NumpySide, Run, Workload};

#[global_allocator]
static GLOBAL: alloc::Counting = alloc::Counting;

/// The speed-up the project claims for every workload.
const TARGET_RATIO: f64 = 300.0;

const HELP: &str = "\
unrolled-bench — the core against the notebooks' numpy code, in one run

USAGE:
    unrolled-bench [OPTIONS]

OPTIONS:
    --python PATH       Python with numpy for the reference side (without it: Rust only)
    --rounds N          Timed rounds after the warm-up (default 5)
    --min-round-ms N    Repeat each Rust workload until a round lasts this long (default 50)
    --only KEYS         Comma-separated workload keys (rprop, loss_surface, gradient_check,
                        linear_sgd, mlp, mlp_records, optimise_data, deep_relu, course,
                        course_pages)
    --json PATH         Also write the results as JSON
    --pages-out DIR     Leave the course workload 7 writes in DIR (default: a scratch folder,
                        removed at the end); `cargo xtask bench` compares it with reports/
    -h, --help          Print this help
";

struct Options {
    python: Option<PathBuf>,
    rounds: usize,
    min_round_s: f64,
    only: Option<Vec<String>>,
    json: Option<PathBuf>,
    pages_out: Option<PathBuf>,
}

fn parse_args() -> Result<Option<Options>, String> {
    let mut o = Options {
        python: None,
        rounds: 5,
        min_round_s: 0.05,
        only: None,
        json: None,
        pages_out: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || args.next().ok_or(format!("{a} needs a value"));
        match a.as_str() {
            "-h" | "--help" => return Ok(None),
            "--python" => o.python = Some(value()?.into()),
            "--json" => o.json = Some(value()?.into()),
            "--pages-out" => o.pages_out = Some(value()?.into()),
            "--rounds" => {
                o.rounds = value()?.parse().map_err(|e| format!("--rounds: {e}"))?;
                if o.rounds == 0 {
                    return Err("--rounds must be at least 1".into());
                }
            }
            "--min-round-ms" => {
                let ms: f64 = value()?
                    .parse()
                    .map_err(|e| format!("--min-round-ms: {e}"))?;
                o.min_round_s = ms / 1000.0;
            }
            "--only" => o.only = Some(value()?.split(',').map(str::to_string).collect()),
            other => return Err(format!("unknown option `{other}`\n\n{HELP}")),
        }
    }
    Ok(Some(o))
}

/// One Rust side of a workload: its closure, how many runs a round makes, its samples.
struct RustSide {
    run: Run,
    reps: u64,
    samples: Vec<f64>,
    allocations: u64,
}

impl RustSide {
    fn new(run: Run) -> Self {
        Self {
            run,
            reps: 1,
            samples: Vec::new(),
            allocations: 0,
        }
    }

    /// One timed region: `reps` runs back to back. Returns seconds per run; adds the
    /// allocations counted inside the region to `self.allocations`.
    fn timed(&mut self) -> Result<f64, String> {
        let reps = self.reps;
        let run = &mut self.run;
        let before = alloc::allocations();
        let start = Instant::now();
        let mut acc = 0.0;
        let mut failed = None;
        for _ in 0..reps {
            match run() {
                Ok(v) => acc += v,
                Err(e) => {
                    failed = Some(e);
                    break;
                }
            }
        }
        let elapsed = start.elapsed();
        let allocated = alloc::allocations() - before;
        black_box(acc);
        self.allocations += allocated;
        match failed {
            Some(e) => Err(e),
            None => Ok(elapsed.as_secs_f64() / reps as f64),
        }
    }

    /// Warm up and choose `reps` so that one round lasts at least `min_round_s`.
    fn warm_up(&mut self, min_round_s: f64) -> Result<(), String> {
        self.reps = 1;
        let once = self.timed()?;
        self.reps = ((min_round_s / once.max(1e-9)).ceil() as u64).clamp(1, 10_000_000);
        self.timed()?;
        Ok(())
    }
}

struct Row {
    workload: Workload,
    f64: Option<RustSide>,
    f32: Option<RustSide>,
    numpy: Vec<f64>,
    numpy_result: Option<Vec<f64>>,
    problems: Vec<String>,
}

fn median(v: &[f64]) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    let n = s.len();
    Some(if n % 2 == 1 {
        s[n / 2]
    } else {
        (s[n / 2 - 1] + s[n / 2]) / 2.0
    })
}

fn human(seconds: Option<f64>) -> String {
    match seconds {
        None => "n/a".into(),
        Some(s) if s >= 1.0 => format!("{s:.2} s"),
        Some(s) if s >= 1e-3 => format!("{:.2} ms", s * 1e3),
        Some(s) if s >= 1e-6 => format!("{:.2} µs", s * 1e6),
        Some(s) => format!("{:.0} ns", s * 1e9),
    }
}

fn ratio(numpy: Option<f64>, rust: Option<f64>) -> Option<f64> {
    Some(numpy? / rust?)
}

fn show_ratio(r: Option<f64>) -> String {
    match r {
        None => "n/a".into(),
        Some(r) if r >= TARGET_RATIO => format!("{r:.0}×"),
        Some(r) => format!("{r:.0}× (below {TARGET_RATIO:.0}×)"),
    }
}

/// The CPU model, core count and load average, as far as this machine tells.
fn machine() -> (String, usize, String) {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    (cpu, cores, loadavg())
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

fn main() -> ExitCode {
    match real_main() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("unrolled-bench: error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn real_main() -> Result<bool, String> {
    let Some(opts) = parse_args()? else {
        print!("{HELP}");
        return Ok(true);
    };
    alloc::self_test()?;
    // Workload 7 with pages writes the course here; a scratch folder unless asked to leave it.
    let scratch = std::env::temp_dir().join(format!("unrolled-bench-pages-{}", std::process::id()));
    let pages_out = opts.pages_out.clone().unwrap_or_else(|| scratch.clone());
    let outcome = run_all(&opts, &pages_out);
    if opts.pages_out.is_none() {
        // Absent when workload 7 with pages did not run.
        let _ = std::fs::remove_dir_all(&scratch);
    }
    outcome
}

/// Warm up, time the rounds, print the table (and write the JSON): whether every check held.
fn run_all(opts: &Options, pages_out: &Path) -> Result<bool, String> {
    let (cpu, cores, load_start) = machine();
    eprintln!("machine: {cpu}, {cores} cores, load average {load_start}");

    let (workloads, settings) = workloads::all(pages_out)?;
    let mut numpy = match &opts.python {
        None => {
            eprintln!("no --python given: printing the Rust figures only");
            None
        }
        Some(py) => {
            let scripts = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("python");
            match python::Numpy::start(py, &scripts).and_then(|mut n| {
                n.configure(&settings.to_json())?;
                Ok(n)
            }) {
                Ok(n) => {
                    eprintln!("numpy {} on Python {}", n.numpy_version, n.python_version);
                    Some(n)
                }
                Err(e) => {
                    eprintln!("numpy side unavailable ({e}): printing the Rust figures only");
                    None
                }
            }
        }
    };

    let mut rows: Vec<Row> = workloads
        .into_iter()
        .filter(|w| {
            opts.only
                .as_ref()
                .is_none_or(|o| o.iter().any(|k| k == w.key))
        })
        .map(|mut w| Row {
            f64: w.f64.take().map(RustSide::new),
            f32: w.f32.take().map(RustSide::new),
            workload: w,
            numpy: Vec::new(),
            numpy_result: None,
            problems: Vec::new(),
        })
        .collect();

    // The peak before the rounds; measured again after them, the best of both counts (below).
    eprintln!("calibrating the peak…");
    let peak_before = Peak::calibrate();

    // Warm-up: every side once, untimed; the Rust sides also pick their repetition counts.
    eprintln!("warm-up…");
    for row in &mut rows {
        for side in [&mut row.f64, &mut row.f32].into_iter().flatten() {
            if let Err(e) = side.warm_up(opts.min_round_s) {
                row.problems.push(format!("core failed: {e}"));
            }
        }
        if let (Some(np), true) = (numpy.as_mut(), row.workload.numpy == NumpySide::Script) {
            match np.run(row.workload.key) {
                Ok(run) => row.numpy_result = Some(run.result),
                Err(e) => row.problems.push(e),
            }
        }
    }

    for round in 0..opts.rounds {
        eprintln!("round {}/{}…", round + 1, opts.rounds);
        for row in &mut rows {
            if !row.problems.is_empty() {
                continue;
            }
            let numpy_first = round % 2 == 0;
            let mut numpy_turn = |row: &mut Row| {
                if let (Some(np), true) = (numpy.as_mut(), row.workload.numpy == NumpySide::Script)
                {
                    match np.run(row.workload.key) {
                        Ok(run) => row.numpy.push(run.seconds),
                        Err(e) => row.problems.push(e),
                    }
                }
            };
            if numpy_first {
                numpy_turn(row);
            }
            for side in [&mut row.f64, &mut row.f32].into_iter().flatten() {
                match side.timed() {
                    Ok(s) => side.samples.push(s),
                    Err(e) => row.problems.push(format!("core failed: {e}")),
                }
            }
            if !numpy_first {
                numpy_turn(row);
            }
        }
    }
    drop(numpy.take());
    // The peak again, right after the rounds. A virtual machine's cores need not keep one
    // speed (this one's do not), so the best of before and after is the peak: a share of it
    // never flatters a workload that ran on a slow moment.
    eprintln!("calibrating the peak again…");
    let peak = peak_before.best_with(&Peak::calibrate());
    let load_end = loadavg();

    // The whole course on the numpy side: the sum of the notebook workloads' medians, when
    // every one of them was timed.
    let numpy_medians: Vec<(&str, Option<f64>)> = rows
        .iter()
        .map(|r| (r.workload.key, median(&r.numpy)))
        .collect();
    for row in &mut rows {
        if let NumpySide::SumOf(keys) = row.workload.numpy {
            let sum: Option<f64> = keys
                .iter()
                .map(|k| {
                    numpy_medians
                        .iter()
                        .find(|(key, _)| key == k)
                        .and_then(|(_, m)| *m)
                })
                .sum();
            row.numpy = sum.into_iter().collect();
        }
    }

    // Cross-check: the core's f64 answers against numpy's, on the same data.
    for row in &mut rows {
        if let (Some((rust, compare)), Some(np)) = (&row.workload.cross_check, &row.numpy_result) {
            if let Err(e) = compare(rust, np) {
                row.problems.push(format!("results differ: {e}"));
            }
        }
        for (name, side) in [("f64", &row.f64), ("f32", &row.f32)] {
            if let Some(side) = side
                && row.workload.allocation_free
                && side.allocations > 0
            {
                row.problems.push(format!(
                    "the {name} timed loop allocated {} times",
                    side.allocations
                ));
            }
        }
    }

    let machine = Machine {
        cpu,
        cores,
        load_start,
        load_end,
        peak,
    };
    print_table(&rows, &machine, opts.rounds);
    if let Some(path) = &opts.json {
        let doc = to_json(&rows, &machine, opts.rounds);
        let text = serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())?;
        std::fs::write(path, text + "\n").map_err(|e| format!("{}: {e}", path.display()))?;
        eprintln!("wrote {}", path.display());
    }

    let mut ok = true;
    for row in &rows {
        for p in &row.problems {
            eprintln!("FAIL {}: {p}", row.workload.key);
            ok = false;
        }
    }
    Ok(ok)
}

/// The calibrated peak, FLOP/s, of the multiply-add kernel in each precision.
struct Peak {
    f64: f64,
    f32: f64,
}

impl Peak {
    /// The kernel's best of five runs of 0.1 s in each precision.
    fn calibrate() -> Self {
        Self {
            f64: peak::flops_per_second(true, 5, 0.1),
            f32: peak::flops_per_second(false, 5, 0.1),
        }
    }

    /// The higher of the two peaks in each precision.
    fn best_with(&self, other: &Self) -> Self {
        Self {
            f64: self.f64.max(other.f64),
            f32: self.f32.max(other.f32),
        }
    }
}

/// What the run was measured on.
struct Machine {
    cpu: String,
    cores: usize,
    load_start: String,
    load_end: String,
    peak: Peak,
}

/// A row's FLOP rate (FLOP/s) and its share of `peak`, from its median seconds.
fn rate(flops: Option<f64>, seconds: Option<f64>, peak: f64) -> Option<(f64, f64)> {
    let r = flops? / seconds?;
    Some((r, r / peak))
}

fn show_rate(r: Option<(f64, f64)>) -> String {
    match r {
        None => "".into(),
        Some((r, share)) => format!("{:.1} GFLOP/s ({:.0}% of peak)", r / 1e9, share * 100.0),
    }
}

struct Medians {
    numpy: Option<f64>,
    f64: Option<f64>,
    f32: Option<f64>,
}

fn medians(row: &Row) -> Medians {
    Medians {
        numpy: median(&row.numpy),
        f64: row.f64.as_ref().and_then(|s| median(&s.samples)),
        f32: row.f32.as_ref().and_then(|s| median(&s.samples)),
    }
}

fn print_table(rows: &[Row], m: &Machine, rounds: usize) {
    println!();
    println!(
        "| workload | numpy median | Rust f64 median | Rust f32 median | numpy / Rust f64 | numpy / Rust f32 | f64 FLOP rate | f32 FLOP rate | allocations in timed loops |"
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for row in rows {
        let med = medians(row);
        let allocs = match (&row.f64, &row.f32) {
            (None, None) => "n/a".to_string(),
            (a, b) => {
                let n = a.as_ref().map_or(0, |s| s.allocations)
                    + b.as_ref().map_or(0, |s| s.allocations);
                if row.workload.allocation_free {
                    n.to_string()
                } else {
                    format!("exempt ({n})")
                }
            }
        };
        let flops = row.workload.flops;
        println!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            row.workload.title,
            human(med.numpy),
            human(med.f64),
            human(med.f32),
            show_ratio(ratio(med.numpy, med.f64)),
            show_ratio(ratio(med.numpy, med.f32)),
            show_rate(rate(flops, med.f64, m.peak.f64)),
            show_rate(rate(flops, med.f32, m.peak.f32)),
            allocs,
        );
    }
    println!();
    println!(
        "{rounds} alternating rounds after a warm-up; {}, {} cores; load average {} at the start, {} at the end.",
        m.cpu, m.cores, m.load_start, m.load_end
    );
    println!(
        "Peak of this build's vector multiply and add ({}), the best measured before and after the rounds: {:.1} GFLOP/s f64, {:.1} GFLOP/s f32.",
        peak::vectors(),
        m.peak.f64 / 1e9,
        m.peak.f32 / 1e9
    );
    for row in rows {
        if !row.workload.note.is_empty() {
            println!("- {}: {}", row.workload.key, row.workload.note);
        }
        if row.workload.cross_check.is_some()
            && row.numpy_result.is_some()
            && row.problems.is_empty()
        {
            println!(
                "- {}: the core's f64 result matches numpy's on the notebook's data",
                row.workload.key
            );
        }
    }
}

fn to_json(rows: &[Row], m: &Machine, rounds: usize) -> Value {
    let side = |s: &Option<RustSide>| match s {
        None => Value::Null,
        Some(s) => json!({
            "median_seconds": median(&s.samples),
            "samples_seconds": s.samples,
            "runs_per_round": s.reps,
            "allocations_in_timed_loops": s.allocations,
        }),
    };
    let workloads: Vec<Value> = rows
        .iter()
        .map(|row| {
            let med = medians(row);
            let flops = row.workload.flops;
            let rate_json = |seconds: Option<f64>, peak: f64| match rate(flops, seconds, peak) {
                None => Value::Null,
                Some((r, share)) => json!({"flops_per_second": r, "fraction_of_peak": share}),
            };
            json!({
                "key": row.workload.key,
                "title": row.workload.title,
                "numpy": if row.numpy.is_empty() { Value::Null } else {
                    json!({"median_seconds": med.numpy, "samples_seconds": row.numpy})
                },
                "flops_per_run": flops,
                "rate_f64": rate_json(med.f64, m.peak.f64),
                "rate_f32": rate_json(med.f32, m.peak.f32),
                "rust_f64": side(&row.f64),
                "rust_f32": side(&row.f32),
                "ratio_numpy_over_f64": ratio(med.numpy, med.f64),
                "ratio_numpy_over_f32": ratio(med.numpy, med.f32),
                "meets_target": ratio(med.numpy, med.f64).map(|r| r >= TARGET_RATIO),
                "note": row.workload.note,
                "problems": row.problems,
            })
        })
        .collect();
    json!({
        "target_ratio": TARGET_RATIO,
        "rounds": rounds,
        "machine": {"cpu": m.cpu, "cores": m.cores, "loadavg_start": m.load_start,
                    "loadavg_end": m.load_end},
        "peak": {"f64_flops_per_second": m.peak.f64, "f32_flops_per_second": m.peak.f32,
                 "kernel": "independent a*m and b+c chains in SIMD registers, this build's target, no FMA",
                 "vectors": peak::vectors(),
                 "vector_bits": peak::VECTOR_BITS,
                 "measured": "best of five 0.1 s runs before the rounds and five after"},
        "workloads": workloads,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_allocating_timed_loop_is_caught() {
        let mut side = RustSide::new(Box::new(|| Ok(black_box(vec![1.0_f64; 8]).iter().sum())));
        side.reps = 3;
        side.timed().unwrap();
        assert!(side.allocations >= 3, "{}", side.allocations);
    }

    #[test]
    fn medians_and_units() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(&[]), None);
        assert_eq!(human(Some(0.0123)), "12.30 ms");
        assert_eq!(human(Some(2.5e-7)), "250 ns");
        assert_eq!(show_ratio(Some(120.0)), "120× (below 300×)");
    }
}
