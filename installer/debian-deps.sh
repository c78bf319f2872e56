#!/bin/sh
# Install the given Debian packages if any is missing. Needs root; otherwise it
# says what to install and carries on (the tests say clearly if Qt cannot load,
# and skip, with the reason, the PDF checks that need pdftotext).
set -u
missing=""
for pkg in "$@"; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    case "$status" in
        *"install ok installed"*) ;;
        *) missing="$missing $pkg" ;;
    esac
done
[ -z "$missing" ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
    echo "These system packages are needed and could not be checked here:$missing" >&2
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "These system packages are needed; please install them (as root):" >&2
    echo "  apt-get install -y$missing" >&2
    exit 0
fi
echo "Installing system packages:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends $missing >/dev/null
