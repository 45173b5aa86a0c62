#!/usr/bin/env bash
# Builds the release into dist/: a static x86_64 Linux binary, its manual page, shell
# completions and SHA256SUMS over all of them.
#
#   scripts/dist.sh            build with the registry cargo already uses
#   scripts/dist.sh --offline  in an unpacked offline build kit (scripts/offline-kit.sh)
#
# Reproducible: the same commit built with the toolchain in rust-toolchain.toml gives the
# same bytes from any checkout path, any user and any cargo home, online or from the kit.
# Paths that end up in the binary (panic locations) are remapped to fixed names, the
# dependencies' sources to one name whether they come from the registry or from vendor/,
# and SOURCE_DATE_EPOCH is the commit's time.
set -euo pipefail
cd "$(dirname "$0")/.."
offline=0
case "${1:-}" in
  "") ;;
  --offline) offline=1 ;;
  *) echo "usage: scripts/dist.sh [--offline]" >&2; exit 2 ;;
esac

src=$(pwd -P)
triple=x86_64-unknown-linux-gnu
version=$(sed -n '/^\[workspace.package\]/,/^\[/s/^version = "\(.*\)"/\1/p' Cargo.toml)
[ -n "$version" ] || { echo "dist: no workspace version in Cargo.toml" >&2; exit 1; }
cargo_home=$(cd "${CARGO_HOME:-$HOME/.cargo}" 2>/dev/null && pwd -P || echo "${CARGO_HOME:-$HOME/.cargo}")
sysroot=$(rustc --print sysroot)
# Another compiler emits other bytes: refuse rather than print sums nobody can reproduce.
pinned=$(sed -n 's/^channel = "\(.*\)"/\1/p' rust-toolchain.toml)
case "$(rustc --version)" in
  "rustc $pinned "*) ;;
  *) echo "dist: rust-toolchain.toml pins rustc $pinned, found: $(rustc --version)" >&2; exit 1 ;;
esac

# The commit's time: from git in a checkout, from the kit's stamp in an unpacked kit.
if git -C "$src" rev-parse --git-dir >/dev/null 2>&1; then
  SOURCE_DATE_EPOCH=$(git -C "$src" log -1 --format=%ct)
elif [ -f "$src/SOURCE_DATE_EPOCH" ]; then
  SOURCE_DATE_EPOCH=$(cat "$src/SOURCE_DATE_EPOCH")
else
  echo "dist: neither a git checkout nor an unpacked build kit (no SOURCE_DATE_EPOCH file)" >&2
  exit 1
fi
export SOURCE_DATE_EPOCH
export TZ=UTC LC_ALL=C

# One name for every dependency's sources, so a registry build and a vendored build agree
# (cargo home as given and as resolved, in case it is reached through a symlink).
deps=/cargo/registry/src/index.crates.io-1949cf8c6b5b557f
flags=(
  -Ctarget-feature=+crt-static
  "--remap-path-prefix=$sysroot=/rustc/sysroot"
  "--remap-path-prefix=${CARGO_HOME:-$HOME/.cargo}=/cargo"
  "--remap-path-prefix=$cargo_home=/cargo"
  "--remap-path-prefix=$src=/airsign"
)
# Whatever the registry's directory is called here (a mirror gets another name).
for dir in "$cargo_home"/registry/src/*/; do
  if [ -d "$dir" ]; then flags+=("--remap-path-prefix=${dir%/}=$deps"); fi
done
flags+=("--remap-path-prefix=$src/vendor=$deps")
# The last matching remap wins: vendor/ lies inside the source tree, so it comes last.
CARGO_ENCODED_RUSTFLAGS=$(IFS=$'\x1f'; echo "${flags[*]}")
export CARGO_ENCODED_RUSTFLAGS
unset RUSTFLAGS CARGO_BUILD_RUSTFLAGS RUSTC_WRAPPER CARGO_BUILD_RUSTC_WRAPPER
export CARGO_TARGET_DIR="$src/target/dist" CARGO_INCREMENTAL=0

cargo_args=(build --release --locked --target "$triple" -p airsign --bin airsign)
if [ "$offline" = 1 ]; then
  # The unpacked kit's .cargo/config.toml points cargo at vendor/.
  [ -d vendor ] && [ -f .cargo/config.toml ] \
    || { echo "dist: --offline runs in an unpacked build kit (scripts/offline-kit.sh)" >&2; exit 1; }
  cargo_args+=(--offline)
fi
t0=$SECONDS
cargo "${cargo_args[@]}"
echo "dist: release build took $((SECONDS - t0)) s"

out=dist
rm -rf "$out"
mkdir -p "$out/completions"
bin="$out/airsign-$version-x86_64-linux"
cp "$CARGO_TARGET_DIR/$triple/release/airsign" "$bin"
"$bin" man > "$out/airsign.1"
"$bin" completions bash > "$out/completions/airsign.bash"
"$bin" completions zsh > "$out/completions/_airsign"
"$bin" completions fish > "$out/completions/airsign.fish"
"$bin" completions elvish > "$out/completions/airsign.elv"
"$bin" completions powershell > "$out/completions/_airsign.ps1"
find "$out" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
(cd "$out" && find . -type f ! -name SHA256SUMS | sed 's|^\./||' | sort | xargs sha256sum > SHA256SUMS)
cat "$out/SHA256SUMS"
