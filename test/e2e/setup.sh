#!/usr/bin/env bash
# Prepares a real VS Code for the end-to-end tests: code-server 4.100.3 (VS Code 1.100),
# installed once outside the project's dependencies and cached between runs.
# Prints the code-server executable's path on its last line.
set -euo pipefail

version=4.100.3
cache_root="${ZOAR_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/zoar-e2e}"
install_dir="$cache_root/code-server-$version"
executable="$install_dir/node_modules/code-server/out/node/entry.js"

log() { echo "[e2e setup] $*" >&2; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# code-server's native modules build against these; ripgrep serves its search.
system_packages=(libkrb5-dev libxkbfile-dev libsecret-1-dev libx11-dev pkg-config ripgrep chromium)
missing=()
for package in "${system_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing system packages: ${missing[*]}"
  as_root apt-get update -q >&2
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
fi

if [ -f "$install_dir/.complete" ] && [ -f "$executable" ]; then
  log "code-server $version cached at $install_dir"
  echo "$executable"
  exit 0
fi

# @vscode/ripgrep downloads its binary at install time; nothing can be downloaded here,
# so its cache is seeded with Debian's rg under the exact name it looks for.
ripgrep_cache="${TMPDIR:-/tmp}/vscode-ripgrep-cache-1.15.11"
ripgrep_archive="$ripgrep_cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
if [ ! -f "$ripgrep_archive" ]; then
  staging="$(mktemp -d)"
  cp "$(command -v rg)" "$staging/rg"
  mkdir -p "$ripgrep_cache"
  tar -czf "$ripgrep_archive" -C "$staging" rg
  rm -rf "$staging"
fi

log "installing code-server $version into $install_dir (a few minutes, once)"
rm -rf "$install_dir"
mkdir -p "$install_dir"
(
  cd "$install_dir"
  echo '{"name":"zoar-e2e-code-server","private":true}' > package.json
  npm_config_yes=true npm_config_unsafe_perm=true \
    npm install --no-audit --no-fund --no-save "code-server@$version" >&2
)
[ -f "$executable" ] || { log "code-server installed but $executable is missing"; exit 1; }
touch "$install_dir/.complete"
echo "$executable"
