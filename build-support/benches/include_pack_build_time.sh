#!/bin/sh
# Build-time cost of include_pack! on the largest conformance project (resilience-testing).
# Builds a throwaway crate (path dependency on promptkit, the workspace's dev profile,
# the shared target dir so dependencies are reused) in four variants and times
# `cargo build` 7 times after a prepare step, printing each run and the median (ms):
#   without       main prints a constant; no macro
#   with          the same main plus include_pack!
#   without_used  parses the same pack from include_str! (compiled by cargo promptkit)
#   with_used     include_pack! and pack::Pack::load()
# then the incremental rebuild of `with_used` after touching a scenario file, and a no-op.
# Usage: sh build-support/benches/include_pack_build_time.sh (from the workspace root)
set -eu
root=$(pwd)
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cp -r "$root/../shared/conformance/resilience-testing" "$dir/project"
mkdir "$dir/src"
cat > "$dir/Cargo.toml" <<TOML
[package]
name = "pk-build-time"
version = "0.1.0"
edition = "2024"

[dependencies]
promptkit = { path = "$root/promptkit" }

[profile.dev]
debug = "line-tables-only"

[profile.dev.package."*"]
debug = false

[workspace]
TOML
cargo run -q -p cargo-promptkit -- promptkit compile -c "$dir/project/config.arena.yaml" -o "$dir/pack.json" >/dev/null
printf 'fn main() {\n    println!("{}", "promptkit".len());\n}\n' > "$dir/without.rs"
{ echo 'promptkit::include_pack!("project/config.arena.yaml");'; cat "$dir/without.rs"; } > "$dir/with.rs"
cat > "$dir/without_used.rs" <<'RS'
const JSON: &str = include_str!("../pack.json");
fn main() {
    println!("{:?}", promptkit::Pack::from_json(JSON).map(|p| p.prompt_names().len()).ok());
}
RS
cat > "$dir/with_used.rs" <<'RS'
promptkit::include_pack!("project/config.arena.yaml");
fn main() {
    println!("{:?}", pack::Pack::load().map(|p| p.prompt_names().len()).ok());
}
RS
cd "$dir"
run() { # label, prepare
  cargo build -q
  ts=""
  for _ in 1 2 3 4 5 6 7; do
    sh -c "$2"
    s=$(date +%s%N); cargo build -q; e=$(date +%s%N)
    ts="$ts $(( (e - s) / 1000000 ))"
  done
  echo "$1: runs(ms)=$ts median=$(echo $ts | tr ' ' '\n' | sort -n | sed -n 4p)"
}
for v in without with without_used with_used; do
  cp "$v.rs" src/main.rs
  run "$v, touch src/main.rs" "touch src/main.rs"
done
scenario=$(ls project/scenarios | head -1)
run "with_used, touch project/scenarios/$scenario" "touch project/scenarios/$scenario"
run "with_used, no-op build" "true"
