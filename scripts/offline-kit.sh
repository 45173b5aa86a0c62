#!/usr/bin/env bash
# Makes the offline build kit: kit/airsign-<version>-src.tar.gz, the committed source
# (git HEAD) with every dependency's source vendored, for building on a host that has no
# registry access:
#
#   tar -xzf airsign-<version>-src.tar.gz && cd airsign-<version>
#   scripts/dist.sh --offline                      # the release, same bytes as scripts/dist.sh
#   cargo build --release --offline --locked       # or a plain build
#
# `cargo vendor --versioned-dirs` copies every crate in Cargo.lock, for every platform; most
# of that is Windows import libraries (winapi-*-pc-windows-gnu, windows-sys: ~130 MB) that
# dev-dependencies pull in. Crates that no supported platform (x86_64 and aarch64 Linux)
# builds are kept as stubs: the manifest and the package checksum from Cargo.lock, no
# sources but an empty src/lib.rs. Cargo still finds every locked package, so `--locked` holds, and never compiles
# a stub on those platforms. The archive is reproducible (sorted, fixed owner and times).
set -euo pipefail
cd "$(dirname "$0")/.."
platforms=(x86_64-unknown-linux-gnu aarch64-unknown-linux-gnu)
version=$(sed -n '/^\[workspace.package\]/,/^\[/s/^version = "\(.*\)"/\1/p' Cargo.toml)
[ -n "$version" ] || { echo "kit: no workspace version in Cargo.toml" >&2; exit 1; }
if [ -n "$(git status --porcelain --untracked-files=no)" ]; then
  echo "kit: warning: uncommitted changes are not in the kit (it packs git HEAD)" >&2
fi
epoch=$(git log -1 --format=%ct)
name="airsign-$version"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
stage="$work/$name"
mkdir -p "$stage"
git archive --format=tar HEAD | tar -x -C "$stage"
echo "$epoch" > "$stage/SOURCE_DATE_EPOCH"

(cd "$stage" && cargo vendor --locked --versioned-dirs --quiet vendor > /dev/null)

# The crates some supported platform builds (normal, build and dev dependencies, so the
# tests build offline too), as vendor/ directory names (name-version).
target_args=()
for p in "${platforms[@]}"; do target_args+=(--target "$p"); done
(cd "$stage" && cargo tree --workspace --locked --offline "${target_args[@]}" \
    -e normal,build,dev --prefix none -f '{p}') |
  sed -n 's/^\([^ ]*\) v\([^ ]*\).*/\1-\2/p' |
  sort -u > "$work/keep"
kept=0 stubbed=0
for dir in "$stage"/vendor/*/; do
  crate=$(basename "$dir")
  if grep -qxF "$crate" "$work/keep"; then
    kept=$((kept + 1))
    continue
  fi
  sum=$(sed -n 's/.*"package":"\([0-9a-f]*\)".*/\1/p' "$dir/.cargo-checksum.json")
  [ -n "$sum" ] || { echo "kit: no package checksum for $crate" >&2; exit 1; }
  find "$dir" -mindepth 1 -maxdepth 1 ! -name Cargo.toml -exec rm -rf {} +
  # An empty library, so cargo sees a target when it loads the manifest.
  mkdir -p "$dir/src"
  : > "$dir/src/lib.rs"
  printf '{"files":{},"package":"%s"}' "$sum" > "$dir/.cargo-checksum.json"
  stubbed=$((stubbed + 1))
done
[ "$kept" -gt 0 ] || { echo "kit: cargo tree named no crate to keep" >&2; exit 1; }
mkdir -p "$stage/.cargo"
cat > "$stage/.cargo/config.toml" <<'TOML'
# The offline build kit: every dependency comes from vendor/, never from a registry.
[source.crates-io]
replace-with = "vendored-sources"

[source.vendored-sources]
directory = "vendor"

[net]
offline = true
TOML

mkdir -p kit
out="kit/$name-src.tar.gz"
tar --sort=name --mtime="@$epoch" --owner=0 --group=0 --numeric-owner --format=gnu \
    -C "$work" -c "$name" | gzip -n -9 > "$out"
echo "kit: $out ($(du -h "$out" | cut -f1); vendor/ keeps $kept crates, stubs $stubbed; unpacked $(du -sh "$stage" | cut -f1))"
