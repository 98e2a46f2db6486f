//! Pins that the report never loses a user's files: what `--out` may be, one writer at a time, the all-or-nothing swap, and every filesystem fault of writing a course.
//!
//! Runs as a test of `unrolled-report` (declared in its Cargo.toml) so that it can drive the
//! real binary. Every case works in its own temporary folder, never in the checkout.
// A test: its helpers may fail loudly (that package's lints deny these in library code).
#![allow(clippy::unwrap_used, clippy::panic)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output as Ran};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use unrolled_report::output::{FailAt, MARKER, MARKER_LINE, Output, write_course};
use unrolled_report::{Config, Results};

/// The workspace root: the nearest folder above this package holding `course.toml`.
fn root() -> PathBuf {
    let mut dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    while !dir.join("course.toml").is_file() {
        assert!(
            dir.pop(),
            "no course.toml above {}",
            env!("CARGO_MANIFEST_DIR")
        );
    }
    dir
}

/// The `unrolled-report` binary: Cargo names it when this runs as that package's test; else
/// it is beside the folder of this test executable (`target/debug/deps/..`).
fn binary() -> PathBuf {
    if let Some(path) = option_env!("CARGO_BIN_EXE_unrolled-report") {
        return path.into();
    }
    let exe = std::env::current_exe().unwrap();
    let path = exe
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .join("unrolled-report");
    assert!(
        path.is_file(),
        "run this as `cargo test -p unrolled-report --test output_safety`"
    );
    path
}

/// A temporary folder for one test holding a copy of `course.toml` and `data/`; removed when
/// the test passes (kept to look at when it fails).
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("unrolled-output-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::copy(root().join("course.toml"), dir.join("course.toml")).unwrap();
        copy_tree(&root().join("data"), &dir.join("data"));
        Self(dir)
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.0.join(rel)
    }

    /// Run `unrolled-report ARGS` in this folder.
    fn run(&self, args: &[&str]) -> Ran {
        Command::new(binary())
            .args(args)
            .current_dir(&self.0)
            .output()
            .unwrap()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &to.join(entry.file_name()));
        } else {
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}

/// Everything under `dir`, links not followed: each path with its bytes (`dir/` for a folder,
/// `-> target` for a link).
fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(dir: &Path, rel: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        let Ok(entries) = std::fs::read_dir(dir.join(rel)) else {
            return;
        };
        for entry in entries {
            let entry = entry.unwrap();
            let path = rel.join(entry.file_name());
            let kind = entry.file_type().unwrap();
            if kind.is_symlink() {
                let target = std::fs::read_link(entry.path()).unwrap();
                out.insert(path, format!("-> {}", target.display()).into_bytes());
            } else if kind.is_dir() {
                out.insert(path.clone(), b"dir/".to_vec());
                walk(dir, &path, out);
            } else {
                out.insert(path, std::fs::read(entry.path()).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, Path::new(""), &mut out);
    out
}

fn stderr(ran: &Ran) -> String {
    String::from_utf8_lossy(&ran.stderr).into_owned()
}

fn stdout(ran: &Ran) -> String {
    String::from_utf8_lossy(&ran.stdout).into_owned()
}

/// `ran` failed with a refusal naming `shown` and `reason`, before any experiment ran.
fn assert_refused(ran: &Ran, shown: &str, reason: &str) {
    let err = stderr(ran);
    assert_eq!(ran.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&format!(
            "error: {shown}: refusing to write the report here: "
        )),
        "{err}"
    );
    assert!(err.contains(reason), "{err}");
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert_eq!(stdout(ran), "", "no experiment may run before the refusal");
}

/// The names in `dir` that are not `keep`: leftovers of a run (staging folders, locks).
fn leftovers(dir: &Path, keep: &[&str]) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !keep.contains(&n.as_str()))
        .collect();
    names.sort();
    names
}

/// A report folder is complete: a marker listing exactly the other files, each non-empty.
fn assert_complete(dir: &Path) {
    let marker = std::fs::read_to_string(dir.join(MARKER)).unwrap();
    let mut lines = marker.lines();
    assert_eq!(lines.next(), Some(MARKER_LINE));
    let listed: Vec<&str> = lines.collect();
    let present = leftovers(dir, &[MARKER]);
    assert_eq!(listed, present, "the marker lists the folder");
    for name in ["results.json", "index.html", "rnn.html", "backprop.html"] {
        assert!(listed.contains(&name), "{name} missing from {listed:?}");
        assert!(std::fs::metadata(dir.join(name)).unwrap().len() > 0);
    }
}

const KEEP: &[&str] = &["course.toml", "data", "out"];

#[test]
fn out_data_with_user_files_is_refused_and_they_stay() {
    // Issue 9, item 1: `cargo xtask report --out data` deleted the reference dataset.
    let s = Scratch::new("data");
    let before = tree(&s.0);
    let ran = s.run(&["--config", "course.toml", "--out", "data"]);
    assert_refused(&ran, "data", "no .unrolled-report marker");
    assert_eq!(tree(&s.0), before);
}

#[test]
fn out_a_checkout_root_is_refused() {
    // Issue 9, item 1: `--out .` replaced the checkout, `.git` included.
    let s = Scratch::new("root");
    std::fs::create_dir_all(s.path(".git/objects")).unwrap();
    std::fs::write(s.path(".git/HEAD"), "ref: refs/heads/main\n").unwrap();
    let before = tree(&s.0);
    let ran = s.run(&["--out", "."]);
    assert_refused(&ran, ".", "`.git`");
    let absolute = s.0.display().to_string();
    let ran = s.run(&["--out", &absolute]);
    assert_refused(&ran, &absolute, "`.git`");
    // A worktree's `.git` is a file.
    std::fs::create_dir(s.path("worktree")).unwrap();
    std::fs::write(s.path("worktree/.git"), "gitdir: elsewhere\n").unwrap();
    let before_worktree = tree(&s.0);
    let ran = s.run(&["--out", "worktree"]);
    assert_refused(&ran, "worktree", "`.git`");
    assert_eq!(tree(&s.0), before_worktree);
    assert!(before.keys().all(|k| before_worktree.contains_key(k)));
}

#[test]
fn a_user_file_inside_an_earlier_report_is_refused() {
    let s = Scratch::new("user-file");
    let ran = s.run(&["--out", "out"]);
    assert!(ran.status.success(), "{}", stderr(&ran));
    assert_complete(&s.path("out"));
    std::fs::write(s.path("out/notes.txt"), "mine").unwrap();
    let before = tree(&s.0);
    let ran = s.run(&["--out", "out"]);
    assert_refused(
        &ran,
        "out",
        "also `notes.txt` that no run of this tool wrote",
    );
    assert_eq!(tree(&s.0), before);
    // A forged marker without the right first line is no marker.
    std::fs::remove_file(s.path("out/notes.txt")).unwrap();
    std::fs::write(s.path("out/.unrolled-report"), "results.json\n").unwrap();
    let ran = s.run(&["--out", "out"]);
    assert_refused(&ran, "out", "no .unrolled-report marker");
}

#[test]
fn an_existing_regular_file_is_refused_and_kept() {
    // Issue 9, item 4: the file was moved to `.NAME.old`, then the run exited 1.
    let s = Scratch::new("file");
    std::fs::write(s.path("out"), "a user's file").unwrap();
    let ran = s.run(&["--out", "out"]);
    assert_refused(&ran, "out", "it is a file, not a folder");
    assert_eq!(std::fs::read(s.path("out")).unwrap(), b"a user's file");
    assert_eq!(leftovers(&s.0, KEEP), Vec::<String>::new());
}

#[test]
fn an_empty_out_is_refused_at_once() {
    // Issue 9, item 4: `--out ""` ran every experiment, then failed.
    let s = Scratch::new("empty-path");
    let start = Instant::now();
    let ran = s.run(&["--out", ""]);
    assert_eq!(ran.status.code(), Some(1));
    assert!(
        stderr(&ran).contains("the output folder is an empty path"),
        "{}",
        stderr(&ran)
    );
    assert_eq!(stdout(&ran), "");
    assert!(start.elapsed() < Duration::from_secs(5));
    assert_eq!(
        leftovers(&s.0, &["course.toml", "data"]),
        Vec::<String>::new()
    );
}

#[cfg(unix)]
#[test]
fn a_symlinked_out_is_followed_and_stays_a_link() {
    // Issue 9, item 4: the link was replaced by a real folder.
    let s = Scratch::new("symlink");
    std::fs::create_dir(s.path("real")).unwrap();
    std::os::unix::fs::symlink("real", s.path("out")).unwrap();
    let ran = s.run(&["--out", "out"]);
    assert!(ran.status.success(), "{}", stderr(&ran));
    assert!(stderr(&ran).contains("is a symbolic link; writing into the folder it points to"));
    let link = std::fs::symlink_metadata(s.path("out")).unwrap();
    assert!(link.file_type().is_symlink());
    assert_eq!(
        std::fs::read_link(s.path("out")).unwrap(),
        Path::new("real")
    );
    assert_complete(&s.path("real"));
    // A second run replaces the report through the link again.
    let ran = s.run(&["--out", "out"]);
    assert!(ran.status.success(), "{}", stderr(&ran));
    assert!(
        std::fs::symlink_metadata(s.path("out"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_complete(&s.path("real"));
    assert_eq!(
        leftovers(&s.0, &["course.toml", "data", "out", "real"]),
        Vec::<String>::new()
    );
    // A dangling link and a loop are refused, plainly.
    std::os::unix::fs::symlink("nowhere", s.path("dangling")).unwrap();
    assert_refused(
        &s.run(&["--out", "dangling"]),
        "dangling",
        "symbolic link that leads to no folder",
    );
    std::os::unix::fs::symlink("loop", s.path("loop")).unwrap();
    assert_refused(
        &s.run(&["--out", "loop"]),
        "loop",
        "symbolic link that leads to no folder",
    );
    // A link to a file is a file.
    std::fs::write(s.path("file"), "x").unwrap();
    std::os::unix::fs::symlink("file", s.path("to-file")).unwrap();
    assert_refused(
        &s.run(&["--out", "to-file"]),
        "to-file",
        "which is not a folder",
    );
}

#[test]
fn two_runs_racing_on_one_folder_both_write_it_whole() {
    // Issue 9, item 2: two runs shared `.reports.new`; `reports/` ended without results.json.
    let s = Scratch::new("race");
    let reference = Scratch::new("race-reference");
    let ran = reference.run(&["--out", "out"]);
    assert!(ran.status.success(), "{}", stderr(&ran));
    let expected = tree(&reference.path("out"));
    for round in 0..2 {
        let spawn = || {
            Command::new(binary())
                .args(["--out", "out"])
                .current_dir(&s.0)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        };
        let (a, b) = (spawn(), spawn());
        for child in [a, b] {
            let ran = child.wait_with_output().unwrap();
            let err = stderr(&ran);
            // Both succeed (the second waits for the first, saying so), or one refuses plainly.
            assert!(
                ran.status.success() || err.contains("another run"),
                "round {round}: {err}"
            );
        }
        assert_eq!(tree(&s.path("out")), expected, "round {round}");
        assert_eq!(leftovers(&s.0, KEEP), Vec::<String>::new(), "round {round}");
    }
}

#[test]
fn stale_folders_of_a_killed_run_are_removed_but_only_ours() {
    let s = Scratch::new("stale");
    let ran = s.run(&["--out", "out"]);
    assert!(ran.status.success(), "{}", stderr(&ran));
    // What a run killed mid-write leaves: a staging folder with the marker, and a previous
    // copy moved aside; beside them a look-alike the tool did not write.
    let ours_new = s.path(".out.new-1-2-3");
    std::fs::create_dir(&ours_new).unwrap();
    std::fs::write(ours_new.join(MARKER), format!("{MARKER_LINE}\n")).unwrap();
    std::fs::write(ours_new.join("results.json"), "{").unwrap();
    copy_tree(&s.path("out"), &s.path(".out.old-1-2-3"));
    std::fs::create_dir(s.path(".out.new-4-5-6")).unwrap();
    std::fs::write(s.path(".out.new-4-5-6/mine.txt"), "not the tool's").unwrap();
    let ran = s.run(&["--out", "out"]);
    assert!(ran.status.success(), "{}", stderr(&ran));
    let err = stderr(&ran);
    assert!(err.contains("removed .out.new-1-2-3"), "{err}");
    assert!(err.contains("removed .out.old-1-2-3"), "{err}");
    assert!(
        err.contains(".out.new-4-5-6 looks like a leftover"),
        "{err}"
    );
    assert_eq!(leftovers(&s.0, KEEP), vec![".out.new-4-5-6".to_string()]);
    assert_eq!(
        std::fs::read(s.path(".out.new-4-5-6/mine.txt")).unwrap(),
        b"not the tool's"
    );
    assert_complete(&s.path("out"));
}

#[cfg(unix)]
#[test]
fn an_undeletable_previous_copy_is_a_warning_not_a_failure() {
    // Issue 9, item 4: the swap happened, the old copy was half deleted, exit 1.
    use std::os::unix::fs::PermissionsExt;
    let s = Scratch::new("undeletable");
    let ran = s.run(&["--out", "out"]);
    assert!(ran.status.success(), "{}", stderr(&ran));
    // A folder without write permission keeps its files, unless permissions do not bind
    // (root, which these tests may run as): probe first.
    let probe = s.path("probe");
    std::fs::create_dir(&probe).unwrap();
    std::fs::set_permissions(&probe, std::fs::Permissions::from_mode(0o555)).unwrap();
    let binds = std::fs::write(probe.join("x"), "").is_err();
    std::fs::set_permissions(&probe, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::remove_dir_all(&probe).unwrap();
    if !binds {
        eprintln!(
            "skipped the permission variant: this user ignores folder permissions (root); \
             the same failure is injected by fault_sweep_over_every_operation_of_writing_a_course"
        );
        return;
    }
    std::fs::set_permissions(s.path("out"), std::fs::Permissions::from_mode(0o555)).unwrap();
    let ran = s.run(&["--out", "out"]);
    let err = stderr(&ran);
    assert!(ran.status.success(), "{err}");
    assert!(
        err.contains(
            "warning: the new report is in place, but the previous copy could not be deleted"
        ),
        "{err}"
    );
    assert_complete(&s.path("out"));
    // The next run, with the permission back, deletes the copy.
    for name in leftovers(&s.0, KEEP) {
        std::fs::set_permissions(s.path(&name), std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let ran = s.run(&["--out", "out"]);
    assert!(ran.status.success(), "{}", stderr(&ran));
    assert_eq!(leftovers(&s.0, KEEP), Vec::<String>::new());
}

/// The results of the checked-in config, run once for the fault sweep.
fn results() -> &'static Results {
    static RESULTS: OnceLock<Results> = OnceLock::new();
    RESULTS.get_or_init(|| {
        unrolled_report::run(&Config::load(&root().join("course.toml")).unwrap()).unwrap()
    })
}

/// Claim `out` and write the course into it through `fs`; the error and the notices.
fn write_through(fs: &mut FailAt, out: &Path) -> (Result<(), String>, Vec<String>) {
    let mut notes = Vec::new();
    let mut note = |n: &str| notes.push(n.to_string());
    let result = Output::claim(&mut *fs, out, &mut note).and_then(|mut output| {
        output.replace(
            &mut |fs, dir| write_course(fs, dir, results(), None, None),
            &mut note,
        )?;
        output.release(&mut note);
        Ok(())
    });
    (result.map_err(|e| e.to_string()), notes)
}

/// What `out` held before a faulty run: nothing, an empty folder, or an earlier report.
#[derive(Debug, Clone, Copy)]
enum Before {
    Nothing,
    Empty,
    Report,
}

/// A scratch folder with `out` as `before` describes; returns it and the contents of `out`.
fn prepare(name: &str, before: Before) -> (PathBuf, BTreeMap<PathBuf, Vec<u8>>) {
    let dir = std::env::temp_dir().join(format!("unrolled-sweep-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("out");
    match before {
        Before::Nothing => {}
        Before::Empty => std::fs::create_dir(&out).unwrap(),
        Before::Report => {
            // An earlier report, different from the new one so the two can be told apart.
            std::fs::create_dir(&out).unwrap();
            std::fs::write(
                out.join(MARKER),
                format!("{MARKER_LINE}\nindex.html\nold.svg\n"),
            )
            .unwrap();
            std::fs::write(out.join("index.html"), "the previous page").unwrap();
            std::fs::write(out.join("old.svg"), "a figure since removed").unwrap();
        }
    }
    let contents = tree(&out);
    (dir, contents)
}

#[test]
fn fault_sweep_over_every_operation_of_writing_a_course() {
    let start = Instant::now();
    // The new report, written without a fault.
    let (clean_dir, _) = prepare("clean", Before::Nothing);
    let mut fs = FailAt::new(None, false);
    let (result, notes) = write_through(&mut fs, &clean_dir.join("out"));
    result.unwrap();
    assert_eq!(notes, Vec::<String>::new());
    let new = tree(&clean_dir.join("out"));
    std::fs::remove_dir_all(&clean_dir).unwrap();
    let mut swept = 0;
    for before in [Before::Report, Before::Empty, Before::Nothing] {
        // How many operations a clean run does from this start.
        let (dir, _) = prepare("count", before);
        let mut counter = FailAt::new(None, false);
        write_through(&mut counter, &dir.join("out")).0.unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        let ops = counter.count;
        assert!(ops > 10, "{:?}", counter.log);
        // Every file of the course is its own write, so a fault can fall between any two.
        for file in ["results.json", "index.html", "rnn.html", "backprop.html"] {
            let writes = counter
                .log
                .iter()
                .filter(|op| op.starts_with("write ") && op.ends_with(&format!("/{file}")));
            assert_eq!(writes.count(), 1, "{file}: {:?}", counter.log);
        }
        for mode in ["before", "after", "crash"] {
            for k in 0..ops {
                let (dir, old) = prepare("fault", before);
                let out = dir.join("out");
                let mut fs = FailAt::new(Some(k), mode == "after");
                fs.crash = mode == "crash";
                let (result, notes) = write_through(&mut fs, &out);
                let case = format!(
                    "{before:?}, fault {mode} at operation {k} of {ops} ({}): {result:?} {notes:?}",
                    counter.log[k]
                );
                if mode != "crash" {
                    // The previous output byte for byte, or the new one complete.
                    let now = tree(&out);
                    assert!(now == old || now == new, "{case}");
                    if now == old && result.is_ok() {
                        panic!("Ok but the new report is not in place: {case}");
                    }
                    // Leftovers only if the run named them.
                    let left = leftovers(&dir, &["out"]);
                    let told = notes.join("\n") + &result.clone().err().unwrap_or_default();
                    for name in &left {
                        assert!(
                            told.contains(name.as_str()),
                            "{name} left unmentioned: {case}"
                        );
                    }
                }
                // The next run clears every leftover and, after a crash between the two
                // renames, puts the previous output back first.
                let (next, next_notes) = {
                    let mut fs = FailAt::new(None, false);
                    let mut notes = Vec::new();
                    let claimed = Output::claim(&mut fs, &out, &mut |n| notes.push(n.to_string()));
                    (claimed.map(|o| o.release(&mut |_| {})), notes)
                };
                next.unwrap_or_else(|e| panic!("next run refused: {e}; {case}"));
                let now = tree(&out);
                assert!(now == old || now == new, "{next_notes:?} {case}");
                assert!(
                    matches!(before, Before::Nothing) || out.is_dir(),
                    "the folder is gone: {next_notes:?} {case}"
                );
                assert_eq!(
                    leftovers(&dir, &["out"]),
                    Vec::<String>::new(),
                    "{next_notes:?} {case}"
                );
                std::fs::remove_dir_all(&dir).unwrap();
                swept += 1;
            }
        }
    }
    // Three starting points, three kinds of fault, every operation of each.
    assert!(swept > 90, "{swept}");
    eprintln!(
        "swept {swept} faults in {:.1} s",
        start.elapsed().as_secs_f64()
    );
}
