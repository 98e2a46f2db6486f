//! What is watched, and what a changed path means: the templates and the config (with the
//! dataset files it names) regenerate the course; `crates/` rebuilds the runner (and the course
//! if the runner changed).

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher, event::AccessKind};

/// What a batch of changed paths asks for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Change {
    /// Rebuild `unrolled-report` (something under `crates/` changed), and regenerate the
    /// course if that changed the runner.
    pub runner: bool,
    /// Regenerate the course.
    pub course: bool,
    /// The config changed: read again which dataset files it names.
    pub config: bool,
}

/// The inputs of the course, as absolute paths, and the watcher over their folders.
pub struct Inputs {
    templates: PathBuf,
    crates: Option<PathBuf>,
    config: PathBuf,
    data_files: BTreeSet<PathBuf>,
    watched_folders: BTreeSet<PathBuf>,
    watcher: RecommendedWatcher,
}

impl Inputs {
    /// Watch `templates` (recursively), `crates` (recursively, if given) and the folder of
    /// `config`, handing each batch of changed paths to `on_change` (on the watcher's thread).
    pub fn watch(
        templates: PathBuf,
        crates: Option<PathBuf>,
        config: PathBuf,
        on_change: impl Fn(Vec<PathBuf>) + Send + 'static,
    ) -> Result<Self, String> {
        let watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
            if let Ok(event) = event
                && is_change(event.kind)
            {
                on_change(event.paths);
            }
        })
        .map_err(|e| format!("cannot watch for changes: {e}"))?;
        let mut inputs = Self {
            templates,
            crates,
            config,
            data_files: BTreeSet::new(),
            watched_folders: BTreeSet::new(),
            watcher,
        };
        inputs.add(&inputs.templates.clone(), RecursiveMode::Recursive)?;
        if let Some(crates) = inputs.crates.clone() {
            inputs.add(&crates, RecursiveMode::Recursive)?;
        }
        inputs.read_config();
        Ok(inputs)
    }

    /// Watch `path`, naming it in the error.
    fn add(&mut self, path: &Path, mode: RecursiveMode) -> Result<(), String> {
        self.watcher
            .watch(path, mode)
            .map_err(|e| format!("cannot watch {}: {e}", path.display()))
    }

    /// Read which dataset files the config names and watch their folders (and the config's).
    /// A config that cannot be read or parsed keeps the files known before: the runner reports
    /// what is wrong with it.
    pub fn read_config(&mut self) {
        if let Ok(text) = std::fs::read_to_string(&self.config)
            && let Ok(table) = text.parse::<toml::Table>()
        {
            let base = self.config.parent().unwrap_or(Path::new(""));
            self.data_files = data_files(&table)
                .into_iter()
                .map(|file| normalize(&base.join(file)))
                .collect();
        }
        let folders: Vec<PathBuf> = std::iter::once(&self.config)
            .chain(&self.data_files)
            .filter_map(|f| f.parent().map(Path::to_path_buf))
            .collect();
        for folder in folders {
            if !self.watched_folders.contains(&folder)
                && self.add(&folder, RecursiveMode::NonRecursive).is_ok()
            {
                self.watched_folders.insert(folder);
            }
        }
    }

    /// The dataset files the config names, as absolute paths.
    #[cfg(test)]
    pub fn data_files(&self) -> &BTreeSet<PathBuf> {
        &self.data_files
    }

    /// What the changed `paths` ask for.
    pub fn classify(&self, paths: &[PathBuf]) -> Change {
        let mut change = Change::default();
        for path in paths {
            let path = normalize(path);
            if path == self.config {
                change.config = true;
                change.course = true;
            } else if self.data_files.contains(&path)
                || (path.starts_with(&self.templates) && !is_editor_file(&path))
            {
                change.course = true;
            } else if let Some(crates) = &self.crates
                && path.starts_with(crates)
                && !is_build_output(&path, crates)
                && !is_editor_file(&path)
            {
                change.runner = true;
            }
        }
        change
    }
}

/// Whether an event changes a file: reads and opens do not (the runner's own reads would
/// otherwise trigger rebuilds).
fn is_change(kind: EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(notify::event::AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        _ => true,
    }
}

/// The string values of every `file` key in the config, at any depth, in order.
pub fn data_files(table: &toml::Table) -> Vec<String> {
    let mut files = Vec::new();
    for (key, value) in table {
        match value {
            toml::Value::String(file) if key == "file" => files.push(file.clone()),
            toml::Value::Table(inner) => files.extend(data_files(inner)),
            _ => {}
        }
    }
    files
}

/// An editor's swap, backup or lock file (`.x.swp`, `x~`, `.#x`), which is no input.
fn is_editor_file(path: &Path) -> bool {
    path.file_name()
        .map(|n| n.to_string_lossy())
        .is_some_and(|n| n.starts_with('.') || n.ends_with('~') || n == "4913")
}

/// A build folder (`target`, as the firmware's own workspace has) below `crates`.
fn is_build_output(path: &Path, crates: &Path) -> bool {
    path.strip_prefix(crates)
        .is_ok_and(|rest| rest.components().any(|c| c.as_os_str() == "target"))
}

/// `path` without `.` and with `..` folded, so that paths compare as the watcher reports them.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_config_names_its_dataset_files_at_any_depth() {
        let table: toml::Table = "[rnn.binary]\nfile = \"data/a.json\"\n[rnn.variant]\nseed = 1\n\
             [backprop]\nfile = 3\n[x.y.z]\nfile = \"../b.json\"\n"
            .parse()
            .unwrap();
        assert_eq!(data_files(&table), ["data/a.json", "../b.json"]);
    }

    #[test]
    fn paths_normalize_as_the_watcher_reports_them() {
        assert_eq!(
            normalize(Path::new("/r/./a/../b.json")),
            Path::new("/r/b.json")
        );
    }

    #[test]
    fn changes_are_classified_by_where_they_are() {
        let root =
            std::env::temp_dir().join(format!("unrolled-serve-watch-{}", std::process::id()));
        for dir in ["templates", "crates/core/src", "data"] {
            std::fs::create_dir_all(root.join(dir)).unwrap();
        }
        std::fs::write(root.join("course.toml"), "[a]\nfile = \"data/x.json\"\n").unwrap();
        let inputs = Inputs::watch(
            root.join("templates"),
            Some(root.join("crates")),
            root.join("course.toml"),
            |_| {},
        )
        .unwrap();
        assert_eq!(
            inputs.data_files().iter().collect::<Vec<_>>(),
            [&root.join("data/x.json")]
        );
        let course = Change {
            course: true,
            ..Change::default()
        };
        let runner = Change {
            runner: true,
            ..Change::default()
        };
        let config = Change {
            config: true,
            course: true,
            ..Change::default()
        };
        for (path, expected) in [
            ("templates/rnn.html", course),
            ("templates/.rnn.html.swp", Change::default()),
            ("templates/rnn.html~", Change::default()),
            ("data/x.json", course),
            ("data/other.json", Change::default()),
            ("course.toml", config),
            ("./course.toml", config),
            ("README.md", Change::default()),
            ("crates/core/src/rnn.rs", runner),
            ("crates/firmware/target/debug/x", Change::default()),
        ] {
            assert_eq!(inputs.classify(&[root.join(path)]), expected, "{path}");
        }
        drop(inputs);
        std::fs::remove_dir_all(&root).unwrap();
    }
}
