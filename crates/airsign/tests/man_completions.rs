//! `airsign man` and `airsign completions`: generated from the clap definition, so every
//! subcommand, option and exit code that `--help` shows is in the manual page and the
//! completion scripts; and the README's "Install on an offline host" names only scripts,
//! files and commands that exist.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(
    clippy::disallowed_types,
    clippy::disallowed_methods,
    reason = "these tests run the built binary (and groff, bash when present), as a user \
              would; airsign itself never starts a program (clippy.toml)"
)]

mod common;

use std::process::{Command, Output, Stdio};

use common::{airsign, root};

fn run(args: &[&str]) -> Output {
    airsign().args(args).stdin(Stdio::null()).output().unwrap()
}

fn stdout_of(args: &[&str]) -> String {
    let out = run(args);
    assert!(
        out.status.success(),
        "airsign {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The subcommands `airsign --help` lists (clap's own `help` aside).
fn subcommands() -> Vec<String> {
    let help = stdout_of(&["--help"]);
    let list = help
        .split("Commands:\n")
        .nth(1)
        .expect("--help lists commands");
    let names: Vec<String> = list
        .lines()
        .take_while(|l| !l.trim().is_empty())
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|n| *n != "help")
        .map(str::to_owned)
        .collect();
    for expected in ["sign", "batch", "verify", "pubkey", "man", "completions"] {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} in {names:?}"
        );
    }
    names
}

/// Long options (`--name`) a help text shows.
fn long_options(help: &str) -> Vec<String> {
    let mut opts: Vec<String> = help
        .split(|c: char| c.is_whitespace() || c == ',' || c == '[' || c == ']')
        .filter(|w| w.starts_with("--") && w.len() > 2)
        .map(|w| {
            w.trim_end_matches(|c: char| !c.is_ascii_alphanumeric())
                .to_owned()
        })
        .filter(|w| w[2..].chars().all(|c| c.is_ascii_lowercase() || c == '-'))
        .collect();
    opts.sort();
    opts.dedup();
    opts
}

/// The manual page with roff's escapes for `-` and `'` undone, for text comparisons.
fn man_text() -> (String, String) {
    let roff = stdout_of(&["man"]);
    let plain = roff.replace("\\-", "-").replace("\\*(Aq", "'");
    (roff, plain)
}

#[test]
fn man_is_a_roff_page_for_section_1() {
    let (roff, _) = man_text();
    assert!(roff.contains("\n.TH airsign 1 "), "{roff}");
    for heading in [
        ".SH NAME",
        ".SH SYNOPSIS",
        ".SH DESCRIPTION",
        ".SH OPTIONS",
        ".SH COMMANDS",
        ".SH \"EXIT STATUS\"",
    ] {
        assert!(
            roff.lines().any(|l| l == heading),
            "no {heading} line in:\n{roff}"
        );
    }
    // Every request is a control line or text; no stray clap markup survives.
    assert!(!roff.contains("\u{1b}["), "ANSI escapes in the page");
    // roff's apostrophe preamble once, not once per section.
    assert_eq!(roff.matches(".ds Aq").count(), 2, "{roff}");
    // The version, so an installed page says which binary it describes.
    let version = stdout_of(&["--version"]);
    let version = version.split_whitespace().nth(1).unwrap();
    assert!(roff.contains(&format!("airsign {version}")), "{version}");
}

#[test]
fn man_documents_every_subcommand_with_its_options() {
    let (_, man) = man_text();
    for sub in subcommands() {
        assert!(
            man.contains(&format!(".SS \"airsign {sub}\"")),
            "no section for {sub}"
        );
        let help = stdout_of(&[&sub, "--help"]);
        for opt in long_options(&help) {
            assert!(man.contains(&opt), "man page lacks {opt} of airsign {sub}");
        }
        // The first line of each command's description is there too.
        let about = help.lines().next().unwrap().trim_end_matches('.');
        assert!(
            man.contains(about),
            "man page lacks {sub}'s summary {about:?}"
        );
    }
}

#[test]
fn man_lists_every_exit_code_that_help_shows() {
    let (_, man) = man_text();
    let exit_status = man
        .split(".SH \"EXIT STATUS\"")
        .nth(1)
        .expect("EXIT STATUS section");
    let mut helps = vec![stdout_of(&["--help"])];
    for sub in subcommands() {
        helps.push(stdout_of(&[&sub, "--help"]));
    }
    let mut codes = 0;
    for help in &helps {
        let Some(table) = help.split("Exit codes:\n").nth(1) else {
            continue;
        };
        for line in table.lines().take_while(|l| l.starts_with("  ")) {
            codes += 1;
            assert!(man.contains(line), "man page lacks exit code line {line:?}");
        }
    }
    assert!(codes >= 8, "found only {codes} exit code lines in --help");
    for code in ["0", "1", "2", "3"] {
        assert!(
            exit_status.contains(&format!("\n  {code}  ")),
            "EXIT STATUS lacks {code}:\n{exit_status}"
        );
    }
}

#[test]
fn man_page_renders_without_warnings_where_groff_is_installed() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("airsign.1");
    std::fs::write(&page, stdout_of(&["man"])).unwrap();
    let Ok(out) = Command::new("groff")
        .args(["-man", "-Tutf8", "-ww", "-z"])
        .arg(&page)
        .output()
    else {
        eprintln!("groff not installed: page not rendered");
        return;
    };
    assert!(out.status.success(), "groff failed");
    assert!(
        out.stderr.is_empty(),
        "groff warnings: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn bash_completions_name_every_subcommand_and_option() {
    let script = stdout_of(&["completions", "bash"]);
    assert!(script.contains("complete -F _airsign"), "{script}");
    for sub in subcommands() {
        assert!(
            // clap_complete spells a `-` in a subcommand's name as `__subcmd__`.
            script.contains(&format!(
                "airsign__subcmd__{}",
                sub.replace('-', "__subcmd__")
            )),
            "bash completions lack {sub}"
        );
        for opt in long_options(&stdout_of(&[&sub, "--help"])) {
            assert!(script.contains(&opt), "bash completions lack {sub} {opt}");
        }
    }
    // The script is valid bash where bash is installed.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("airsign.bash");
    std::fs::write(&file, &script).unwrap();
    if let Ok(out) = Command::new("bash").arg("-n").arg(&file).output() {
        assert!(
            out.status.success(),
            "bash -n: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn every_shell_gets_a_script_naming_every_subcommand() {
    let subs = subcommands();
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let script = stdout_of(&["completions", shell]);
        for sub in &subs {
            assert!(
                script.contains(sub.as_str()),
                "{shell} completions lack {sub}"
            );
        }
    }
}

#[test]
fn an_unknown_shell_is_a_usage_error() {
    let out = run(&["completions", "tcsh"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let out = run(&["completions"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn output_is_the_same_every_run() {
    assert_eq!(stdout_of(&["man"]), stdout_of(&["man"]));
    assert_eq!(
        stdout_of(&["completions", "zsh"]),
        stdout_of(&["completions", "zsh"])
    );
}

/// The shell blocks of the README's "Install on an offline host" section.
fn readme_install_commands() -> Vec<String> {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let start = readme
        .find("\n## Install on an offline host\n")
        .expect("README has an Install on an offline host section");
    let section = &readme[start + 1..];
    let section = &section[..section[3..].find("\n## ").map_or(section.len(), |i| i + 3)];
    let mut commands = Vec::new();
    for block in section.split("```").skip(1).step_by(2) {
        let Some(body) = block.strip_prefix("sh\n") else {
            continue;
        };
        for line in body.lines() {
            let line = line.split(" #").next().unwrap().trim();
            if !line.is_empty() {
                commands.push(line.to_owned());
            }
        }
    }
    assert!(commands.len() >= 6, "{commands:?}");
    commands
}

#[test]
fn readme_install_steps_name_real_scripts_files_and_commands() {
    let commands = readme_install_commands();
    let dist = std::fs::read_to_string(root().join("scripts/dist.sh")).unwrap();
    let kit = std::fs::read_to_string(root().join("scripts/offline-kit.sh")).unwrap();
    let mut installed = 0;
    for command in &commands {
        for word in command.split(|c: char| c.is_whitespace() || c == '&' || c == ';') {
            // Every script it runs exists and is executable, with flags it accepts.
            if let Some(script) = word.strip_prefix("scripts/") {
                let path = root().join("scripts").join(script);
                assert!(path.is_file(), "README runs missing scripts/{script}");
                #[cfg(unix)]
                {
                    use std::os::unix::fs::PermissionsExt;
                    let mode = std::fs::metadata(&path).unwrap().permissions().mode();
                    assert!(mode & 0o111 != 0, "scripts/{script} is not executable");
                }
            }
            if word.starts_with("--") && command.starts_with("scripts/dist.sh") {
                assert!(
                    dist.contains(&format!("{word})")),
                    "dist.sh takes no {word}"
                );
            }
        }
        // Every file it installs from dist/ is one dist.sh writes.
        if command.contains("install ") {
            let from = command.split_whitespace().rev().nth(1).unwrap();
            let written = from.replace("airsign-*-", "airsign-$version-");
            assert!(
                dist.contains(&format!("\"$out/{written}\"")) || dist.contains(&written),
                "README installs {from}, which scripts/dist.sh does not write"
            );
            installed += 1;
        }
        if command.contains("-src.tar.gz") {
            assert!(
                kit.contains("-src.tar.gz\""),
                "the kit is not named *-src.tar.gz"
            );
        }
        // Every airsign command it shows runs.
        if let Some(args) = command.strip_prefix("airsign ") {
            let args: Vec<&str> = args
                .split("&&")
                .next()
                .unwrap()
                .split_whitespace()
                .take_while(|w| !w.starts_with('>') && *w != "|")
                .collect();
            stdout_of(&args);
        }
    }
    assert!(
        installed >= 4,
        "README installs binary, man page and completions"
    );
    // The section covers the whole flow.
    let all = commands.join("\n");
    for step in [
        "scripts/dist.sh",
        "scripts/offline-kit.sh",
        "sha256sum -c SHA256SUMS",
        "scripts/dist.sh --offline",
        "airsign.1",
        "completions/airsign.bash",
    ] {
        assert!(all.contains(step), "README install steps lack {step}");
    }
}
