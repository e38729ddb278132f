# shellcheck shell=bash
# Sourced by the benchmarks that measure this revision against a baseline revision with a small
# Swift harness (bench-read, bench-decode).
# build_harness REV COPY HARNESS TARGET DEPENDENCIES: REV's sources (git archive: uncommitted
# changes are not measured) in the folder COPY, with the Swift file HARNESS added as the
# executable target TARGET depending on DEPENDENCIES (a Swift array literal, e.g. '["IPG"]'),
# built release in COPY's own build folder, which is kept when the sources change (dependencies
# compile once, later builds only what changed); prints the binary's path.
build_harness() {
  local revision=$1 source=$2 harness=$3 target=$4 dependencies=$5 commit
  commit=$(git rev-parse "$revision^{commit}")
  if [ "$(cat "$source/.commit" 2>/dev/null)" != "$commit" ]; then
    mkdir -p "$source"
    find "$source" -mindepth 1 -maxdepth 1 ! -name .build -exec rm -rf {} +
    git archive "$commit" | tar -x -C "$source"
    echo "$commit" > "$source/.commit"
  fi
  mkdir -p "$source/Sources/$target"
  cp "$harness" "$source/Sources/$target/main.swift"
  grep -q "name: \"$target\"" "$source/Package.swift" ||
    echo "package.targets.append(.executableTarget(name: \"$target\", dependencies: $dependencies))" >> "$source/Package.swift"
  echo "== building $target against $revision ($commit) in $source" >&2
  swift build -c release --package-path "$source" --product "$target" >&2
  echo "$(swift build -c release --package-path "$source" --show-bin-path)/$target"
}
