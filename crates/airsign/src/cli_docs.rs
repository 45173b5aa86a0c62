//! `airsign man` and `airsign completions`: the manual page and the shell completion
//! scripts, generated from the same clap definition that parses the command line, so a
//! new flag or subcommand shows up in both without anyone editing them.

use std::io::{self, Write};

use clap_complete::Shell;
use clap_mangen::Man;
use roff::{Roff, roman};

/// Prints the manual page (roff, section 1) for `cmd` on stdout and returns the exit code.
pub fn print_man(cmd: clap::Command) -> u8 {
    match man_page(cmd) {
        Ok(page) => print(&page),
        Err(e) => {
            eprintln!("airsign: cannot render the manual page: {e}");
            3
        }
    }
}

/// Prints the completion script for `shell` on stdout and returns the exit code.
pub fn print_completions(shell: Shell, mut cmd: clap::Command) -> u8 {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, "airsign", &mut out);
    print(&out)
}

/// Writes `bytes` to stdout. A closed stdout is not an error: the reader has all it wants.
fn print(bytes: &[u8]) -> u8 {
    let mut out = io::stdout().lock();
    let _ = out.write_all(bytes).and_then(|()| out.flush());
    0
}

/// The whole manual page: one page for the tool, with a section per command (options,
/// examples and exit codes as `--help` shows them), so `man airsign` is all there is.
fn man_page(cmd: clap::Command) -> io::Result<Vec<u8>> {
    // No `help` subcommand in the page: `--help` is listed with the options.
    let cmd = cmd.disable_help_subcommand(true);
    let man = Man::new(cmd.clone());
    // The title carries roff's apostrophe preamble, once for the page.
    let mut page = Vec::new();
    man.render_title(&mut page)?;
    for render in [
        Man::render_name_section,
        Man::render_synopsis_section,
        Man::render_description_section,
        Man::render_options_section,
    ] {
        page.extend(section(&man, render, true)?);
    }

    let mut built = cmd;
    built.build();
    let mut commands = Roff::new();
    commands.control("SH", ["COMMANDS"]);
    page.extend(body(&commands.render()));
    command_sections(&built, &mut page)?;

    let mut status = Roff::new();
    status.control("SH", ["EXIT STATUS"]);
    page.extend(body(&status.render()));
    if let Some(after) = built
        .get_after_long_help()
        .or_else(|| built.get_after_help())
    {
        page.extend(verbatim(&after.to_string()));
    }
    page.extend(section(&man, Man::render_version_section, true)?);
    Ok(page)
}

/// A `.SS` section for each (visible) subcommand of `cmd`, and of theirs in turn: synopsis,
/// description, options, then examples and exit codes as its `--help` shows them.
fn command_sections(cmd: &clap::Command, page: &mut Vec<u8>) -> io::Result<()> {
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = sub.get_bin_name().unwrap_or_else(|| sub.get_name());
        let mut head = Roff::new();
        head.control("SS", [name]);
        page.extend(body(&head.render()));
        let man = Man::new(sub.clone());
        page.extend(section(&man, Man::render_synopsis_section, false)?);
        page.extend(paragraph());
        page.extend(section(&man, Man::render_description_section, false)?);
        page.extend(section(&man, Man::render_options_section, false)?);
        if let Some(after) = sub.get_after_long_help().or_else(|| sub.get_after_help()) {
            page.extend(verbatim(&after.to_string()));
        }
        command_sections(sub, page)?;
    }
    Ok(())
}

/// One of clap_mangen's sections without the preamble every rendering starts with and,
/// unless `heading`, without its `.SH` heading (a command's `.SS` heading stands for it).
fn section(
    man: &Man,
    render: fn(&Man, &mut dyn Write) -> io::Result<()>,
    heading: bool,
) -> io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    render(man, &mut buf)?;
    let text = String::from_utf8_lossy(&buf).into_owned();
    let mut out = String::new();
    for line in body_str(&text)
        .lines()
        .filter(|l| heading || !l.starts_with(".SH"))
    {
        out.push_str(line);
        out.push('\n');
    }
    Ok(out.into_bytes())
}

/// `text` without roff's apostrophe preamble (the page's title rendering carries it once).
fn body_str(text: &str) -> &str {
    let preamble = Roff::new().render();
    text.strip_prefix(preamble.as_str()).unwrap_or(text)
}

/// [`body_str`] as bytes for the page.
fn body(text: &str) -> Vec<u8> {
    body_str(text).as_bytes().to_vec()
}

/// A paragraph break.
fn paragraph() -> Vec<u8> {
    let mut r = Roff::new();
    r.control("PP", []);
    body(&r.render())
}

/// Text shown line for line as `--help` shows it (examples and exit code tables).
fn verbatim(text: &str) -> Vec<u8> {
    let mut r = Roff::new();
    r.control("PP", []).control("nf", []);
    for line in text.lines() {
        r.text([roman(line)]);
    }
    r.control("fi", []);
    body(&r.render())
}
