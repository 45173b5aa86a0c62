//! The repository explains itself: nothing in it points at files a user's clone does not
//! have, every venue crate has its page in `docs/venues/`, and the README and
//! `docs/format.md` name every request field.
//!
//! The forbidden strings are spelled in pieces below, so this file does not trip its own
//! check.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// What no file may mention: the sibling folder a development checkout once had, and the
/// interface page that lived there.
fn needles() -> Vec<String> {
    vec![
        [".", "./", "shared"].concat(),
        ["CONTRACT", ".md"].concat(),
        ["shared", "/venues"].concat(),
    ]
}

/// Build output and local fuzzing finds are not part of the repository.
fn skipped(path: &Path) -> bool {
    path.components().any(|c| {
        matches!(
            c.as_os_str().to_str(),
            Some("target" | "artifacts" | "coverage" | ".git")
        )
    })
}

fn walk(path: &Path, out: &mut Vec<PathBuf>) {
    if skipped(path) {
        return;
    }
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for e in entries {
            walk(&e, out);
        }
    } else if path.is_file() {
        out.push(path.to_owned());
    }
}

#[test]
fn no_file_points_outside_the_repository() {
    let root = root();
    let mut files = Vec::new();
    for part in ["crates", "README.md", "docs", "examples", "fuzz"] {
        let p = root.join(part);
        assert!(p.exists(), "{} is missing", p.display());
        walk(&p, &mut files);
    }
    assert!(files.len() > 50, "walked only {} files", files.len());
    let needles = needles();
    let mut hits = Vec::new();
    for f in &files {
        let bytes = std::fs::read(f).unwrap();
        for (i, line) in bytes.split(|b| *b == b'\n').enumerate() {
            for n in &needles {
                if line.windows(n.len()).any(|w| w == n.as_bytes()) {
                    hits.push(format!(
                        "{}:{}: mentions {n}",
                        f.strip_prefix(&root).unwrap_or(f).display(),
                        i + 1
                    ));
                }
            }
        }
    }
    assert!(
        hits.is_empty(),
        "files point at what a clone does not have (point into docs/ instead):\n{}",
        hits.join("\n")
    );
}

/// The venue crates, from the directory names: `crates/airsign-<venue>`, except the
/// shared crates (core, keys) and test support.
fn venue_crates(root: &Path) -> Vec<String> {
    let mut venues: Vec<String> = std::fs::read_dir(root.join("crates"))
        .unwrap()
        .filter_map(|e| {
            let e = e.unwrap();
            let name = e.file_name().into_string().ok()?;
            let venue = name.strip_prefix("airsign-")?.to_owned();
            let shared = matches!(venue.as_str(), "core" | "keys") || venue.starts_with("test");
            (e.path().is_dir() && !shared).then_some(venue)
        })
        .collect();
    venues.sort();
    venues
}

#[test]
fn every_venue_crate_has_its_page() {
    let root = root();
    let venues = venue_crates(&root);
    assert!(
        venues.len() >= 5,
        "expected the venue crates, found {venues:?}"
    );
    let missing: Vec<String> = venues
        .iter()
        .filter(|v| !root.join("docs/venues").join(format!("{v}.md")).is_file())
        .map(|v| format!("docs/venues/{v}.md"))
        .collect();
    assert!(
        missing.is_empty(),
        "venue crates without a page: {missing:?}"
    );
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    for v in &venues {
        assert!(
            readme.contains(&format!("docs/venues/{v}.md")),
            "README does not link docs/venues/{v}.md"
        );
    }
}

#[test]
fn the_docs_pages_exist() {
    let root = root();
    for page in [
        "docs/format.md",
        "docs/threat-model.md",
        "docs/architecture.md",
        "docs/deviations.md",
        "CHANGELOG.md",
        "CONTRIBUTING.md",
    ] {
        assert!(root.join(page).is_file(), "{page} is missing");
    }
}

/// Every top-level request field, as the README's table and `docs/format.md` name them.
const REQUEST_FIELDS: &[&str] = &[
    "venue",
    "action",
    "transport",
    "environment",
    "base_url",
    "timestamp",
    "params",
    "id",
    "expiry_window",
    "account",
    "signature_type",
    "wallet",
    "api_token",
    "http_method",
    "timestamp_tolerance",
    "key",
    "vault_address",
    "expires_after",
];

#[test]
fn readme_and_format_name_every_request_field() {
    let root = root();
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let start = readme
        .find("## Requests")
        .expect("README has a Requests section");
    let end = readme[start..]
        .find("\n## ")
        .map_or(readme.len(), |i| start + i);
    let requests = &readme[start..end];
    let format = std::fs::read_to_string(root.join("docs/format.md")).unwrap();
    for field in REQUEST_FIELDS {
        let quoted = format!("`{field}`");
        assert!(
            requests.contains(&quoted),
            "README's Requests table lacks {quoted}"
        );
        assert!(format.contains(&quoted), "docs/format.md lacks {quoted}");
    }
}

/// The product's source lines outside tests: everything in `crates/*/src` before a
/// `#[cfg(test)]` line, without comments. Test support (`airsign-testkit`) is left out.
fn product_lines(path: &Path) -> Vec<(usize, String)> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let t = line.trim_start();
        if t.starts_with("#[cfg(test)]") {
            break;
        }
        if t.starts_with("//") {
            continue;
        }
        out.push((i + 1, line.to_owned()));
    }
    out
}

#[test]
fn venue_names_appear_outside_their_crate_only_in_the_registry() {
    let root = root();
    let venues = venue_crates(&root);
    assert!(venues.len() >= 6, "{venues:?}");
    let mut files = Vec::new();
    walk(&root.join("crates"), &mut files);
    let mut hits = Vec::new();
    for f in files {
        let rel = f
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let Some(krate) = rel
            .strip_prefix("crates/")
            .and_then(|r| r.split('/').next())
        else {
            continue;
        };
        if !rel.ends_with(".rs") || !rel.contains("/src/") || krate == "airsign-testkit" {
            continue;
        }
        if rel == "crates/airsign/src/registry.rs" {
            continue;
        }
        for (n, line) in product_lines(&f) {
            for v in &venues {
                if krate == format!("airsign-{v}") {
                    continue;
                }
                if line.contains(&format!("\"{v}\"")) {
                    hits.push(format!("{rel}:{n}: {}", line.trim()));
                }
            }
        }
    }
    assert!(
        hits.is_empty(),
        "venue names belong to their crate and the registry only:\n{}",
        hits.join("\n")
    );
}
