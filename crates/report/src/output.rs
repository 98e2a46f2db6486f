//! Where the report goes: a folder the tool owns, written by one run at a time, replaced whole.
//!
//! [`Output::claim`] runs before any experiment. It refuses an output path the tool must not
//! replace — an empty path, a regular file, the file system root, a folder holding `.git`, a
//! folder holding anything the tool did not write — and takes a lock beside the folder so a
//! second run waits for the first. A folder the tool wrote is recognised by its [`MARKER`]
//! file, which lists every file of that report: a folder whose marker is missing, or which
//! holds a file its marker does not list, is not the tool's to delete.
//!
//! [`Output::replace`] then writes the new report into a staging folder beside the output
//! (`.NAME.new-RUN`, unique per run), moves the previous report aside (`.NAME.old-RUN`), moves
//! the new one in, and deletes the previous one. A failure before the new folder is in place
//! puts the previous one back and deletes the staging folder; a failure to delete the previous
//! copy afterwards is a warning, and the next run deletes it. Staging and previous copies left
//! by a killed run are deleted by the next run, under the lock, and only when they carry the
//! marker (or are empty). The marker is the first file written into a staging folder and the
//! last one deleted from an old copy, so a half-deleted folder is still recognised.
//!
//! Every filesystem operation of all this goes through the [`Fs`] trait: [`RealFs`] does
//! them, and [`FailAt`] makes the k-th one fail, so a test can check every step of the write
//! and the swap for the promise above.

use std::ffi::{OsStr, OsString};
use std::fs::{File, Metadata, TryLockError};
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::course::{self, Rendered};
use crate::results::Results;
use crate::{Error, RESULTS_FILE, json};

/// The name of the marker file in every folder the tool writes.
pub const MARKER: &str = ".unrolled-report";

/// The marker's first line; the lines after it name the other files of the report.
pub const MARKER_LINE: &str =
    "Written by unrolled-report: this folder is replaced whole by the next run.";

/// Every filesystem operation of claiming, writing and swapping an output folder.
///
/// Paths are used as given (relative to the current folder when relative). Each method is one
/// operation for [`FailAt`]'s count.
pub trait Fs {
    /// The metadata of `path` itself, not following a symbolic link.
    fn metadata(&mut self, path: &Path) -> io::Result<Metadata>;
    /// `path` with every symbolic link resolved, made absolute.
    fn canonicalize(&mut self, path: &Path) -> io::Result<PathBuf>;
    /// The names in the folder `path`, sorted.
    fn read_dir(&mut self, path: &Path) -> io::Result<Vec<OsString>>;
    /// The contents of the file `path`.
    fn read(&mut self, path: &Path) -> io::Result<Vec<u8>>;
    /// Create the folder `path`; its parent must exist.
    fn create_dir(&mut self, path: &Path) -> io::Result<()>;
    /// Create the folder `path` and any missing parents.
    fn create_dir_all(&mut self, path: &Path) -> io::Result<()>;
    /// Create or truncate the file `path` and write `bytes` into it.
    fn write(&mut self, path: &Path, bytes: &[u8]) -> io::Result<()>;
    /// Rename `from` to `to` (within one file system: atomic).
    fn rename(&mut self, from: &Path, to: &Path) -> io::Result<()>;
    /// Delete the file (or symbolic link) `path`.
    fn remove_file(&mut self, path: &Path) -> io::Result<()>;
    /// Delete the empty folder `path`.
    fn remove_dir(&mut self, path: &Path) -> io::Result<()>;
    /// Delete the folder `path` with everything in it.
    fn remove_dir_all(&mut self, path: &Path) -> io::Result<()>;
    /// Open (creating if needed) the lock file `path` for [`File::lock`].
    fn open_lock(&mut self, path: &Path) -> io::Result<File>;
}

/// The file system itself.
#[derive(Debug, Clone, Copy, Default)]
pub struct RealFs;

impl Fs for RealFs {
    fn metadata(&mut self, path: &Path) -> io::Result<Metadata> {
        std::fs::symlink_metadata(path)
    }
    fn canonicalize(&mut self, path: &Path) -> io::Result<PathBuf> {
        std::fs::canonicalize(path)
    }
    fn read_dir(&mut self, path: &Path) -> io::Result<Vec<OsString>> {
        let mut names = std::fs::read_dir(path)?
            .map(|entry| entry.map(|e| e.file_name()))
            .collect::<io::Result<Vec<_>>>()?;
        names.sort();
        Ok(names)
    }
    fn read(&mut self, path: &Path) -> io::Result<Vec<u8>> {
        std::fs::read(path)
    }
    fn create_dir(&mut self, path: &Path) -> io::Result<()> {
        std::fs::create_dir(path)
    }
    fn create_dir_all(&mut self, path: &Path) -> io::Result<()> {
        std::fs::create_dir_all(path)
    }
    fn write(&mut self, path: &Path, bytes: &[u8]) -> io::Result<()> {
        std::fs::write(path, bytes)
    }
    fn rename(&mut self, from: &Path, to: &Path) -> io::Result<()> {
        std::fs::rename(from, to)
    }
    fn remove_file(&mut self, path: &Path) -> io::Result<()> {
        std::fs::remove_file(path)
    }
    fn remove_dir(&mut self, path: &Path) -> io::Result<()> {
        std::fs::remove_dir(path)
    }
    fn remove_dir_all(&mut self, path: &Path) -> io::Result<()> {
        std::fs::remove_dir_all(path)
    }
    fn open_lock(&mut self, path: &Path) -> io::Result<File> {
        File::options()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
    }
}

/// A test seam: [`RealFs`], except that operation number `fail_at` (0-based) fails.
///
/// With `after` the failing operation is done first and then reported as failed (a write
/// that landed, a rename whose success was lost); without it nothing is done. With `crash`
/// every operation from `fail_at` on fails undone, as if the process had been killed there.
/// `count` is the number of operations so far, so a run with `fail_at: None` counts the
/// operations of a run.
#[derive(Debug, Clone, Default)]
pub struct FailAt {
    /// The operation to fail, counting from 0; `None` fails nothing.
    pub fail_at: Option<usize>,
    /// Whether the failing operation takes effect before it reports its failure.
    pub after: bool,
    /// Whether every later operation fails too (a killed run).
    pub crash: bool,
    /// The operations done so far.
    pub count: usize,
    /// What each operation was, in order (`rename a -> b`), for a failing test to show.
    pub log: Vec<String>,
}

impl FailAt {
    /// Fail operation `k`; with `after`, only once it has been done.
    pub fn new(fail_at: Option<usize>, after: bool) -> Self {
        Self {
            fail_at,
            after,
            ..Self::default()
        }
    }

    /// Count one operation; `Err` when it is the one to fail.
    fn tick(&mut self, what: String) -> Result<(), String> {
        let k = self.count;
        self.count += 1;
        self.log.push(what.clone());
        let crashed = self.crash && self.fail_at.is_some_and(|f| k > f);
        if crashed {
            Err(format!("operation {k} ({what}) after the injected crash"))
        } else if self.fail_at == Some(k) {
            Err(format!("injected fault at operation {k} ({what})"))
        } else {
            Ok(())
        }
    }

    fn io<T>(&mut self, what: String, op: impl FnOnce() -> io::Result<T>) -> io::Result<T> {
        match self.tick(what) {
            Ok(()) => op(),
            Err(fault) => {
                if self.after && !self.crash {
                    op()?;
                }
                Err(io::Error::other(fault))
            }
        }
    }
}

impl Fs for FailAt {
    fn metadata(&mut self, path: &Path) -> io::Result<Metadata> {
        self.io(format!("metadata {}", path.display()), || {
            RealFs.metadata(path)
        })
    }
    fn canonicalize(&mut self, path: &Path) -> io::Result<PathBuf> {
        self.io(format!("canonicalize {}", path.display()), || {
            RealFs.canonicalize(path)
        })
    }
    fn read_dir(&mut self, path: &Path) -> io::Result<Vec<OsString>> {
        self.io(format!("read_dir {}", path.display()), || {
            RealFs.read_dir(path)
        })
    }
    fn read(&mut self, path: &Path) -> io::Result<Vec<u8>> {
        self.io(format!("read {}", path.display()), || RealFs.read(path))
    }
    fn create_dir(&mut self, path: &Path) -> io::Result<()> {
        self.io(format!("create_dir {}", path.display()), || {
            RealFs.create_dir(path)
        })
    }
    fn create_dir_all(&mut self, path: &Path) -> io::Result<()> {
        self.io(format!("create_dir_all {}", path.display()), || {
            RealFs.create_dir_all(path)
        })
    }
    fn write(&mut self, path: &Path, bytes: &[u8]) -> io::Result<()> {
        self.io(format!("write {}", path.display()), || {
            RealFs.write(path, bytes)
        })
    }
    fn rename(&mut self, from: &Path, to: &Path) -> io::Result<()> {
        self.io(
            format!("rename {} -> {}", from.display(), to.display()),
            || RealFs.rename(from, to),
        )
    }
    fn remove_file(&mut self, path: &Path) -> io::Result<()> {
        self.io(format!("remove_file {}", path.display()), || {
            RealFs.remove_file(path)
        })
    }
    fn remove_dir(&mut self, path: &Path) -> io::Result<()> {
        self.io(format!("remove_dir {}", path.display()), || {
            RealFs.remove_dir(path)
        })
    }
    fn remove_dir_all(&mut self, path: &Path) -> io::Result<()> {
        self.io(format!("remove_dir_all {}", path.display()), || {
            RealFs.remove_dir_all(path)
        })
    }
    fn open_lock(&mut self, path: &Path) -> io::Result<File> {
        self.io(format!("open_lock {}", path.display()), || {
            RealFs.open_lock(path)
        })
    }
}

impl<F: Fs + ?Sized> Fs for &mut F {
    fn metadata(&mut self, path: &Path) -> io::Result<Metadata> {
        (**self).metadata(path)
    }
    fn canonicalize(&mut self, path: &Path) -> io::Result<PathBuf> {
        (**self).canonicalize(path)
    }
    fn read_dir(&mut self, path: &Path) -> io::Result<Vec<OsString>> {
        (**self).read_dir(path)
    }
    fn read(&mut self, path: &Path) -> io::Result<Vec<u8>> {
        (**self).read(path)
    }
    fn create_dir(&mut self, path: &Path) -> io::Result<()> {
        (**self).create_dir(path)
    }
    fn create_dir_all(&mut self, path: &Path) -> io::Result<()> {
        (**self).create_dir_all(path)
    }
    fn write(&mut self, path: &Path, bytes: &[u8]) -> io::Result<()> {
        (**self).write(path, bytes)
    }
    fn rename(&mut self, from: &Path, to: &Path) -> io::Result<()> {
        (**self).rename(from, to)
    }
    fn remove_file(&mut self, path: &Path) -> io::Result<()> {
        (**self).remove_file(path)
    }
    fn remove_dir(&mut self, path: &Path) -> io::Result<()> {
        (**self).remove_dir(path)
    }
    fn remove_dir_all(&mut self, path: &Path) -> io::Result<()> {
        (**self).remove_dir_all(path)
    }
    fn open_lock(&mut self, path: &Path) -> io::Result<File> {
        (**self).open_lock(path)
    }
}

/// Refuse an empty output path at once, before anything is read or run.
pub fn require_path(out: &Path) -> Result<(), Error> {
    if out.as_os_str().is_empty() {
        Err(Error::output(
            "the output folder is an empty path: name the folder to write the report into",
        ))
    } else {
        Ok(())
    }
}

/// What the output folder held when it was claimed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Previous {
    /// Nothing: the folder does not exist yet.
    Nothing,
    /// An empty folder.
    Empty,
    /// A report written by this tool (its marker lists everything in it).
    Report,
}

/// An output folder this run may replace, locked against other runs until dropped.
#[derive(Debug)]
pub struct Output<F: Fs> {
    fs: F,
    /// The folder replaced: `--out` as given, or the target of a symbolic link `--out`.
    dir: PathBuf,
    /// The folder holding `dir`, its lock and its staging folders (empty: the current folder).
    parent: PathBuf,
    /// `dir`'s own name.
    name: OsString,
    previous: Previous,
    lock: Option<(File, PathBuf)>,
    run: String,
}

/// `err` about `path`, as the file at fault.
fn fs_error(what: &str, path: &Path, err: &io::Error) -> Error {
    Error::io(format!("{what}: {err}")).in_file(path.display().to_string())
}

/// A refusal to write into `path`, with the reason.
fn refuse(path: &Path, reason: &str) -> Error {
    Error::output(format!(
        "refusing to write the report here: {reason}; choose a new or empty folder, or one a previous run wrote"
    ))
    .in_file(path.display().to_string())
}

/// A name unique to this run within this machine: process id, clock and a counter.
fn run_id() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("{}-{nanos}-{n}", std::process::id())
}

/// Whether two open-or-named files are the same file (same device and inode).
#[cfg(unix)]
fn same_file(a: &Metadata, b: &Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev() && a.ino() == b.ino()
}

impl<F: Fs> Output<F> {
    /// Check that `out` may be replaced and lock it; `notice` hears what is worth telling
    /// (waiting for another run, following a link, stale folders removed).
    ///
    /// Errors, each naming the path and the reason, before anything is changed: an empty path;
    /// a symbolic link that leads nowhere (dangling or a loop); a path naming the root; an
    /// existing file that is not a folder; a folder holding `.git`; a folder holding anything
    /// but a report of this tool. A symbolic link to a folder is followed: the folder it
    /// points to is replaced and the link stays.
    pub fn claim(mut fs: F, out: &Path, notice: &mut dyn FnMut(&str)) -> Result<Self, Error> {
        require_path(out)?;
        let dir = resolve(&mut fs, out, notice)?;
        let name = dir
            .file_name()
            .map(OsStr::to_os_string)
            .ok_or_else(|| refuse(out, "it names the root of the file system"))?;
        let parent = dir.parent().map_or_else(PathBuf::new, Path::to_path_buf);
        let parent_dir = if parent.as_os_str().is_empty() {
            Path::new(".")
        } else {
            &parent
        };
        if let Err(e) = fs.metadata(parent_dir) {
            if e.kind() != io::ErrorKind::NotFound {
                return Err(fs_error(
                    "cannot read the folder holding the output",
                    &parent,
                    &e,
                ));
            }
            fs.create_dir_all(&parent).map_err(|e| {
                fs_error("cannot create the folder holding the output", &parent, &e)
            })?;
        }
        let mut output = Self {
            fs,
            dir,
            parent,
            name,
            previous: Previous::Nothing,
            lock: None,
            run: run_id(),
        };
        output.lock(notice)?;
        output.remove_stale(notice);
        output.previous = output.inspect(out)?;
        Ok(output)
    }

    /// The folder that will be replaced (the target when `--out` is a symbolic link).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// What the folder held when claimed.
    pub fn previous(&self) -> Previous {
        self.previous
    }

    /// `.NAME.SUFFIX` beside the output folder.
    fn beside(&self, suffix: &str) -> PathBuf {
        let mut name = OsString::from(".");
        name.push(&self.name);
        name.push(suffix);
        self.parent.join(name)
    }

    /// The lock file beside the output folder.
    pub fn lock_path(&self) -> PathBuf {
        self.beside(".lock")
    }

    /// Take the lock, waiting (after saying so) while another run holds it.
    fn lock(&mut self, notice: &mut dyn FnMut(&str)) -> Result<(), Error> {
        let path = self.lock_path();
        loop {
            let file = self
                .fs
                .open_lock(&path)
                .map_err(|e| fs_error("cannot open the lock file", &path, &e))?;
            match file.try_lock() {
                Ok(()) => {}
                Err(TryLockError::WouldBlock) => {
                    notice(&format!(
                        "note: another run is writing {}; waiting for it to finish (lock {})",
                        self.dir.display(),
                        path.display()
                    ));
                    file.lock()
                        .map_err(|e| fs_error("cannot take the lock", &path, &e))?;
                }
                Err(TryLockError::Error(e)) => {
                    return Err(fs_error("cannot take the lock", &path, &e));
                }
            }
            // The run that held the lock deletes its file before unlocking: a lock taken on a
            // file no longer at `path` guards nothing, so open the path again.
            #[cfg(unix)]
            {
                let held = file
                    .metadata()
                    .map_err(|e| fs_error("cannot read the lock file", &path, &e))?;
                match self.fs.metadata(&path) {
                    Ok(named) if same_file(&held, &named) => {}
                    Ok(_) => continue,
                    Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
                    Err(e) => return Err(fs_error("cannot read the lock file", &path, &e)),
                }
            }
            self.lock = Some((file, path));
            return Ok(());
        }
    }

    /// Rename `from` to `to`; an error after which `from` is gone and `to` is there (the
    /// rename took effect but its success was lost) counts as done.
    fn rename_checked(&mut self, from: &Path, to: &Path) -> io::Result<()> {
        let Err(e) = self.fs.rename(from, to) else {
            return Ok(());
        };
        let from_gone =
            matches!(self.fs.metadata(from), Err(m) if m.kind() == io::ErrorKind::NotFound);
        if from_gone && self.fs.metadata(to).is_ok() {
            Ok(())
        } else {
            Err(e)
        }
    }

    /// Release the lock now, telling `notice` if its file cannot be deleted (dropping the
    /// output releases it too, silently).
    pub fn release(mut self, notice: &mut dyn FnMut(&str)) {
        if let Some(warning) = self.unlock() {
            notice(&warning);
        }
    }

    /// Release the lock; on Unix delete its file first, while still holding it (a run waiting
    /// on the deleted file notices and opens the path again). Returns a warning if that fails.
    fn unlock(&mut self) -> Option<String> {
        let (file, path) = self.lock.take()?;
        #[cfg(unix)]
        let warning = self.fs.remove_file(&path).err().map(|e| {
            format!(
                "warning: cannot delete the lock file {} ({e}); the next run reuses it",
                path.display()
            )
        });
        #[cfg(not(unix))]
        let warning = {
            let _ = &path;
            None
        };
        drop(file);
        warning
    }

    /// Whether the folder `path` carries the marker: it was written by this tool.
    fn has_marker(&mut self, path: &Path) -> bool {
        self.fs
            .read(&path.join(MARKER))
            .is_ok_and(|text| marker_files(&text).is_some())
    }

    /// Delete the staging and previous folders a killed or failed run left (only those with
    /// the marker, or empty); if the output folder itself is missing, first put back the
    /// newest previous copy (a report or an empty folder). Problems are told, not fatal: they leave only leftovers.
    fn remove_stale(&mut self, notice: &mut dyn FnMut(&str)) {
        let parent = if self.parent.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            self.parent.clone()
        };
        let Ok(names) = self.fs.read_dir(&parent) else {
            return;
        };
        let prefix = |kind: &str| {
            let mut p = OsString::from(".");
            p.push(&self.name);
            p.push(kind);
            p.into_string().ok()
        };
        let (Some(new), Some(old)) = (prefix(".new-"), prefix(".old-")) else {
            return;
        };
        let mut stale: Vec<(PathBuf, bool)> = Vec::new();
        for name in names {
            let Some(text) = name.to_str() else { continue };
            let is_old = text.starts_with(&old);
            if !is_old && !text.starts_with(&new) {
                continue;
            }
            let path = self.parent.join(&name);
            if self.fs.metadata(&path).is_ok_and(|m| m.is_dir()) {
                stale.push((path, is_old));
            }
        }
        let missing =
            matches!(self.fs.metadata(&self.dir), Err(e) if e.kind() == io::ErrorKind::NotFound);
        if missing {
            // Run ids sort by clock within a process only; the newest copy is the safest guess,
            // and the others stay until the next run if this one fails.
            let mut newest = None;
            for (i, (path, is_old)) in stale.iter().enumerate() {
                if *is_old
                    && (self.has_marker(path) || self.fs.read_dir(path).is_ok_and(|n| n.is_empty()))
                {
                    newest = Some(i);
                }
            }
            if let Some(i) = newest {
                let (path, _) = stale.remove(i);
                let dir = self.dir.clone();
                match self.rename_checked(&path, &dir) {
                    Ok(()) => notice(&format!(
                        "note: put back the previous output {} that an interrupted run had moved to {}",
                        self.dir.display(),
                        path.display()
                    )),
                    Err(e) => {
                        notice(&format!(
                            "warning: cannot put back the previous output from {}: {e}",
                            path.display()
                        ));
                        return;
                    }
                }
            }
        }
        for (path, is_old) in stale {
            if self.has_marker(&path) {
                match self.remove_owned(&path, is_old) {
                    Ok(()) => notice(&format!(
                        "note: removed {}, left by an earlier run that did not finish",
                        path.display()
                    )),
                    Err(e) => notice(&format!("warning: cannot remove the leftover {e}")),
                }
            } else if self.fs.remove_dir(&path).is_err() {
                notice(&format!(
                    "warning: {} looks like a leftover of an earlier run but has no {MARKER} marker; left alone",
                    path.display()
                ));
            }
        }
    }

    /// What `self.dir` holds, or why it must not be replaced (`out` is the path as given).
    fn inspect(&mut self, out: &Path) -> Result<Previous, Error> {
        let dir = self.dir.clone();
        let meta = match self.fs.metadata(&dir) {
            Ok(meta) => meta,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Previous::Nothing),
            Err(e) => return Err(fs_error("cannot read the output folder", out, &e)),
        };
        if !meta.is_dir() {
            return Err(refuse(out, "it is a file, not a folder"));
        }
        let names = self
            .fs
            .read_dir(&dir)
            .map_err(|e| fs_error("cannot list the output folder", out, &e))?;
        if names.is_empty() {
            return Ok(Previous::Empty);
        }
        if names.iter().any(|n| n == ".git") {
            return Err(refuse(
                out,
                "it holds `.git`, a Git repository (the root of a checkout?)",
            ));
        }
        let listed = match self.fs.read(&dir.join(MARKER)) {
            Ok(text) => marker_files(&text),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(fs_error("cannot read the marker", &dir.join(MARKER), &e)),
        };
        let Some(listed) = listed else {
            return Err(refuse(
                out,
                &format!(
                    "it holds {} and no {MARKER} marker, so no earlier run of this tool wrote it",
                    some_names(&names)
                ),
            ));
        };
        let mut foreign = Vec::new();
        for name in names.iter().filter(|n| *n != MARKER) {
            let is_file = self.fs.metadata(&dir.join(name)).is_ok_and(|m| m.is_file());
            if !is_file || !listed.iter().any(|l| OsStr::new(l) == name) {
                foreign.push(name.clone());
            }
        }
        if !foreign.is_empty() {
            return Err(refuse(
                out,
                &format!(
                    "it holds a report, but also {} that no run of this tool wrote",
                    some_names(&foreign)
                ),
            ));
        }
        Ok(Previous::Report)
    }

    /// Delete a folder this tool wrote: its files (with `only_listed`, only those its marker
    /// lists: a previous report may have gained a user's file since it was claimed), then the
    /// marker, then the folder, so a folder half deleted still carries the marker.
    fn remove_owned(&mut self, dir: &Path, only_listed: bool) -> Result<(), String> {
        let marker = dir.join(MARKER);
        let names = if only_listed {
            let text = self
                .fs
                .read(&marker)
                .map_err(|e| format!("{}: {e}", marker.display()))?;
            marker_files(&text)
                .ok_or_else(|| format!("{}: not a marker of this tool", marker.display()))?
                .into_iter()
                .map(OsString::from)
                .collect()
        } else {
            self.fs
                .read_dir(dir)
                .map_err(|e| format!("{}: {e}", dir.display()))?
        };
        for name in names.iter().filter(|n| *n != MARKER) {
            let path = dir.join(name);
            let is_dir = self.fs.metadata(&path).is_ok_and(|m| m.is_dir());
            let removed = if is_dir {
                self.fs.remove_dir_all(&path)
            } else {
                self.fs.remove_file(&path)
            };
            match removed {
                Err(e) if e.kind() != io::ErrorKind::NotFound => {
                    return Err(format!("{}: {e}", path.display()));
                }
                _ => {}
            }
        }
        match self.fs.remove_file(&marker) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => {
                return Err(format!("{}: {e}", marker.display()));
            }
            _ => {}
        }
        self.fs
            .remove_dir(dir)
            .map_err(|e| format!("{}: {e}", dir.display()))
    }

    /// Write a new report with `fill` (given the file system and the staging folder) and put
    /// it in place of the output folder.
    ///
    /// Either the new report is complete in place, or the folder is as it was claimed and the
    /// error says what failed. A failure to delete the previous copy once the new one is in
    /// place is told to `notice` as a warning, and the result is still `Ok`.
    pub fn replace<T>(
        &mut self,
        fill: &mut dyn FnMut(&mut dyn Fs, &Path) -> Result<T, Error>,
        notice: &mut dyn FnMut(&str),
    ) -> Result<T, Error> {
        let staging = self.beside(&format!(".new-{}", self.run));
        if let Err(e) = self.fs.create_dir(&staging) {
            // Nothing to lose: `remove_dir` deletes only an empty folder, in case the folder
            // was made before the error.
            let _ = self.fs.remove_dir(&staging);
            return Err(fs_error("cannot create the staging folder", &staging, &e));
        }
        match self.fill_and_swap(&staging, fill) {
            Ok(value) => {
                let old = self.beside(&format!(".old-{}", self.run));
                let removed = match self.previous {
                    Previous::Nothing => Ok(()),
                    Previous::Empty => self
                        .fs
                        .remove_dir(&old)
                        .map_err(|e| format!("{}: {e}", old.display())),
                    Previous::Report => self.remove_owned(&old, true),
                };
                {
                    if let Err(e) = removed {
                        notice(&format!(
                            "warning: the new report is in place, but the previous copy could not be deleted ({e}); the next run deletes it"
                        ));
                    }
                }
                Ok(value)
            }
            Err(err) => {
                if let Err(e) = self.remove_owned(&staging, false) {
                    notice(&format!(
                        "warning: cannot delete the staging folder ({e}); the next run deletes it"
                    ));
                }
                Err(err)
            }
        }
    }

    /// Fill `staging`, list it in its marker, and swap it in; on error `staging` is still
    /// there (the caller deletes it) and the output folder is as claimed.
    fn fill_and_swap<T>(
        &mut self,
        staging: &Path,
        fill: &mut dyn FnMut(&mut dyn Fs, &Path) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let marker = staging.join(MARKER);
        let write_marker = |fs: &mut F, files: &[OsString]| {
            let mut text = format!("{MARKER_LINE}\n");
            for name in files {
                text.push_str(&name.to_string_lossy());
                text.push('\n');
            }
            fs.write(&marker, text.as_bytes())
                .map_err(|e| fs_error("cannot write the marker", &marker, &e))
        };
        // The marker first: a staging folder left by a killed run is then known to be ours.
        write_marker(&mut self.fs, &[])?;
        let value = fill(&mut self.fs, staging)?;
        let files: Vec<OsString> = self
            .fs
            .read_dir(staging)
            .map_err(|e| fs_error("cannot list the staging folder", staging, &e))?
            .into_iter()
            .filter(|n| n != MARKER)
            .collect();
        if let Some(bad) = files
            .iter()
            .find(|n| n.to_str().is_none_or(|s| s.contains('\n')))
        {
            return Err(Error::render(format!(
                "the report wrote a file whose name cannot be listed in the marker: {}",
                bad.to_string_lossy()
            )));
        }
        write_marker(&mut self.fs, &files)?;
        let dir = self.dir.clone();
        if self.previous == Previous::Nothing {
            return self
                .rename_checked(staging, &dir)
                .map(|()| value)
                .map_err(|e| fs_error("cannot move the new report into place", &dir, &e));
        }
        let old = self.beside(&format!(".old-{}", self.run));
        self.rename_checked(&dir, &old).map_err(|e| {
            fs_error(
                "cannot move the previous report aside (it is left as it was)",
                &dir,
                &e,
            )
        })?;
        match self.rename_checked(staging, &dir) {
            Ok(()) => Ok(value),
            Err(e) => match self.rename_checked(&old, &dir) {
                Ok(()) => Err(fs_error(
                    "cannot move the new report into place (the previous one is left as it was)",
                    &dir,
                    &e,
                )),
                Err(back) => Err(fs_error(
                    &format!(
                        "cannot move the new report into place ({e}), nor put the previous one back from {}",
                        old.display()
                    ),
                    &dir,
                    &back,
                )),
            },
        }
    }
}

impl<F: Fs> Drop for Output<F> {
    /// Release the lock if [`Output::release`] did not.
    fn drop(&mut self) {
        let _ = self.unlock();
    }
}

/// The files a marker lists, or `None` if `text` is not a marker.
fn marker_files(text: &[u8]) -> Option<Vec<String>> {
    let text = std::str::from_utf8(text).ok()?;
    let mut lines = text.lines();
    (lines.next()? == MARKER_LINE).then(|| lines.map(str::to_string).collect())
}

/// Up to three names, quoted, and how many more.
fn some_names(names: &[OsString]) -> String {
    let shown: Vec<String> = names
        .iter()
        .take(3)
        .map(|n| format!("`{}`", n.to_string_lossy()))
        .collect();
    let more = names.len().saturating_sub(shown.len());
    if more > 0 {
        format!("{} and {more} more", shown.join(", "))
    } else {
        shown.join(", ")
    }
}

/// The folder `out` names: `out` itself, or where it leads when it is a symbolic link or ends
/// in `.` or `..` (a folder cannot be renamed by such a name).
fn resolve(fs: &mut dyn Fs, out: &Path, notice: &mut dyn FnMut(&str)) -> Result<PathBuf, Error> {
    let is_link = match fs.metadata(out) {
        Ok(meta) => meta.file_type().is_symlink(),
        Err(e) if e.kind() == io::ErrorKind::NotFound => false,
        Err(e) => return Err(fs_error("cannot read the output folder", out, &e)),
    };
    let dotted = matches!(
        out.components().next_back(),
        Some(Component::CurDir | Component::ParentDir | Component::RootDir)
    );
    if !is_link && !dotted {
        return Ok(out.to_path_buf());
    }
    let target = fs.canonicalize(out).map_err(|e| {
        if is_link {
            refuse(
                out,
                &format!(
                    "it is a symbolic link that leads to no folder (dangling, or a loop: {e})"
                ),
            )
        } else {
            fs_error("cannot resolve the output folder", out, &e)
        }
    })?;
    if is_link {
        if !fs.metadata(&target).is_ok_and(|m| m.is_dir()) {
            return Err(refuse(
                out,
                &format!(
                    "it is a symbolic link to {}, which is not a folder",
                    target.display()
                ),
            ));
        }
        notice(&format!(
            "note: {} is a symbolic link; writing into the folder it points to, {} (the link stays)",
            out.display(),
            target.display()
        ));
    }
    Ok(target)
}

/// Write the course for `results` into `dir` through `fs`: `results.json`, then the pages;
/// with lesson 1's figures drawn ahead if given (see [`course::draw_with`]).
pub fn write_course(
    fs: &mut dyn Fs,
    dir: &Path,
    results: &Results,
    lesson1: Option<&course::Figures>,
    templates: Option<&Path>,
) -> Result<Rendered, Error> {
    // Everything is drawn in memory first (`results.json` serialized beside the pages); then
    // each file is one write, so a fault can strike between any two of them.
    let (text, drawn) = std::thread::scope(|scope| {
        let text = scope.spawn(|| json::to_string(results));
        let drawn = course::draw_with(results, lesson1, templates);
        (crate::threads::join(text), drawn)
    });
    let text = text.map_err(|e| Error::render(format!("cannot serialize the results: {e}")))?;
    let (rendered, pages) = drawn?;
    let rendered = course::Rendered {
        other_files: text.len(),
        ..rendered
    }
    .within_budget()?;
    for (name, bytes) in std::iter::once((RESULTS_FILE, text.as_str()))
        .chain(pages.iter().map(|(page, html)| (*page, html.as_str())))
    {
        let path = dir.join(name);
        fs.write(&path, bytes.as_bytes())
            .map_err(|e| fs_error("cannot write", &path, &e))?;
    }
    Ok(rendered)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A scratch folder for one test, emptied first.
    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "unrolled-output-unit-{name}-{}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn the_course_written_counts_results_json_in_its_sizes() {
        let dir = scratch("course-sizes");
        let config = crate::Config::course().unwrap();
        let results = crate::run(&config).unwrap();
        let rendered = write_course(&mut RealFs, &dir, &results, None, None).unwrap();
        let written = std::fs::metadata(dir.join(RESULTS_FILE)).unwrap().len();
        assert!(written > 1000, "{written}");
        assert_eq!(rendered.other_files as u64, written);
        let pages: u64 = rendered
            .pages
            .iter()
            .map(|(page, size)| {
                assert_eq!(
                    std::fs::metadata(dir.join(page)).unwrap().len(),
                    *size as u64
                );
                *size as u64
            })
            .sum();
        assert_eq!(rendered.total() as u64, pages + written);
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// Claim `out` and write one file `name` = `text` into it; the notices.
    fn write_one(out: &Path, name: &str, text: &str) -> Result<Vec<String>, Error> {
        let mut notes = Vec::new();
        let mut note = |n: &str| notes.push(n.to_string());
        let mut output = Output::claim(RealFs, out, &mut note)?;
        output.replace(
            &mut |fs, dir| {
                fs.write(&dir.join(name), text.as_bytes())
                    .map_err(|e| Error::io(e.to_string()))
            },
            &mut note,
        )?;
        output.release(&mut note);
        Ok(notes)
    }

    fn names(dir: &Path) -> Vec<OsString> {
        RealFs.read_dir(dir).unwrap()
    }

    #[test]
    fn a_report_replaces_a_report_and_lists_its_files() {
        let dir = scratch("replace");
        let out = dir.join("out");
        assert_eq!(write_one(&out, "a.txt", "1").unwrap(), Vec::<String>::new());
        assert_eq!(write_one(&out, "b.txt", "2").unwrap(), Vec::<String>::new());
        let marker = std::fs::read_to_string(out.join(MARKER)).unwrap();
        assert_eq!(marker, format!("{MARKER_LINE}\nb.txt\n"));
        assert!(!out.join("a.txt").exists());
        assert_eq!(names(&dir), ["out"], "no lock file or staging folder left");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_failing_fill_leaves_the_folder_as_it_was() {
        let dir = scratch("fill-fails");
        let out = dir.join("out");
        write_one(&out, "a.txt", "1").unwrap();
        let mut output = Output::claim(RealFs, &out, &mut |_| {}).unwrap();
        let err = output
            .replace(
                &mut |fs, dir| {
                    fs.write(&dir.join("half.txt"), b"half")
                        .map_err(|e| Error::io(e.to_string()))?;
                    Err::<(), _>(Error::render("the renderer failed"))
                },
                &mut |_| {},
            )
            .unwrap_err();
        drop(output);
        assert_eq!(err.message, "the renderer failed");
        assert_eq!(std::fs::read_to_string(out.join("a.txt")).unwrap(), "1");
        assert_eq!(names(&dir), ["out"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn refusals_name_the_path_and_the_reason() {
        let dir = scratch("refusals");
        let empty = Output::claim(RealFs, Path::new(""), &mut |_| {}).unwrap_err();
        assert!(empty.message.contains("empty path"), "{empty}");
        let root = Output::claim(RealFs, Path::new("/"), &mut |_| {}).unwrap_err();
        assert!(root.message.contains("root of the file system"), "{root}");
        std::fs::create_dir(dir.join("mixed")).unwrap();
        std::fs::write(dir.join("mixed/mine.txt"), "x").unwrap();
        let mixed = Output::claim(RealFs, &dir.join("mixed"), &mut |_| {}).unwrap_err();
        assert!(
            mixed
                .message
                .contains("`mine.txt` and no .unrolled-report marker"),
            "{mixed}"
        );
        assert_eq!(mixed.file, Some(dir.join("mixed").display().to_string()));
        assert_eq!(names(&dir), ["mixed"], "no lock file left by a refusal");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_previous_copy_left_by_a_kill_between_the_renames_is_put_back() {
        let dir = scratch("put-back");
        let out = dir.join("out");
        write_one(&out, "a.txt", "1").unwrap();
        let aside = dir.join(".out.old-1-2-3");
        std::fs::rename(&out, &aside).unwrap();
        let mut notes = Vec::new();
        let output = Output::claim(RealFs, &out, &mut |n| notes.push(n.to_string())).unwrap();
        assert_eq!(output.previous(), Previous::Report);
        drop(output);
        assert!(
            notes
                .iter()
                .any(|n| n.contains("put back the previous output")),
            "{notes:?}"
        );
        assert_eq!(std::fs::read_to_string(out.join("a.txt")).unwrap(), "1");
        assert_eq!(names(&dir), ["out"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_second_claim_waits_for_the_first() {
        let dir = scratch("wait");
        let out = dir.join("out");
        let first = Output::claim(RealFs, &out, &mut |_| {}).unwrap();
        let waiter = {
            let out = out.clone();
            std::thread::spawn(move || {
                let mut notes = Vec::new();
                let second = Output::claim(RealFs, &out, &mut |n| notes.push(n.to_string()));
                (second.is_ok(), notes)
            })
        };
        std::thread::sleep(std::time::Duration::from_millis(300));
        assert!(!waiter.is_finished(), "the second claim must wait");
        drop(first);
        let (ok, notes) = waiter.join().unwrap();
        assert!(ok);
        assert!(
            notes.iter().any(|n| n.contains("another run is writing")),
            "{notes:?}"
        );
        assert_eq!(names(&dir), Vec::<OsString>::new(), "the lock file is gone");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
