#!/usr/bin/env bash
# Installs what Sluice needs to build, test and benchmark, and nothing that is already there.
# Idempotent and quick when everything is present; every make target calls it.
set -euo pipefail
cd "$(dirname "$0")/.."

debian_packages=(
  g++ cmake ninja-build make pkg-config git time
  libyaml-cpp-dev nlohmann-json3-dev libcli11-dev libspdlog-dev libfmt-dev
  libgtest-dev libgmock-dev libbenchmark-dev libzstd-dev libfast-float-dev
  libsqlite3-dev sqlite3 libcurl4-openssl-dev libssl-dev libhowardhinnant-date-dev tzdata
  libcpp-httplib-dev libsodium-dev python3 python3-pip python3-venv procps chromium wrk
)
# Node.js may come from elsewhere than Debian (a nodesource build bundles npm and conflicts
# with Debian's npm package), so it is looked for as commands, not packages.
command -v node >/dev/null 2>&1 || debian_packages+=(nodejs)
command -v npm >/dev/null 2>&1 || debian_packages+=(npm)

missing=()
for p in "${debian_packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "bootstrap: installing Debian packages: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# npm test peers (DuckDB, Polars) live in a project-local folder, never globally.
npm_dir=tools/npm
stamp="$npm_dir/node_modules/.sluice-stamp"
want=$(cat "$npm_dir/package.json" "$npm_dir/package-lock.json" 2>/dev/null | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "bootstrap: installing npm test peers into $npm_dir"
  # Not `npm ci`: it insists on lock entries for every platform's optional binary package,
  # which this registry does not carry; install honours the lock for what it does carry.
  (cd "$npm_dir" && npm install --no-audit --no-fund --loglevel=error)
  echo "$want" > "$stamp"
fi

# Python test peers (moto's S3/EMR server, boto3, awscli): this image may already carry them;
# elsewhere they go into a project-local virtualenv, never into the system Python.
py_dir=tools/py
if ! { command -v moto_server && command -v aws && python3 -c 'import boto3, moto'; } >/dev/null 2>&1 \
   && [ ! -x "$py_dir/bin/moto_server" ]; then
  echo "bootstrap: installing moto[server], boto3 and awscli into $py_dir"
  python3 -m venv "$py_dir"
  "$py_dir/bin/pip" install --quiet 'moto[server]' boto3 awscli
fi
