#!/usr/bin/env bash
# Installs the system tools the test suite needs, from Debian's packages, when they are missing.
# Arguments are commands, or command:debian-package where the names differ (e.g. initdb:postgresql).
# The tests never skip for want of a tool: this script is how a machine gets them.
set -euo pipefail
needed=()
for spec in "$@"; do
  tool=${spec%%:*}
  package=${spec#*:}
  command -v "$tool" >/dev/null 2>&1 || needed+=("$package")
done
[ ${#needed[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "install-system-deps: missing ${needed[*]}; install them with your package manager (root needed)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${needed[@]}" >/dev/null
