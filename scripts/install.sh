#!/usr/bin/env bash
# Installs IKZ-Werkstatt from an unpacked release archive (scripts/package.sh).
# Safe to run again: an upgrade replaces the program and the site, keeps the
# data and the configuration, and restarts the service if it runs.
#
#   sudo ./install.sh [--prefix DIR] [--data-dir DIR] [--config-dir DIR]
#                     [--user NAME] [--no-user] [--no-systemd]
#
#   --prefix DIR      program and site (default /opt/ikz-werkstatt)
#   --data-dir DIR    the SQLite database (default /var/lib/ikz-werkstatt)
#   --config-dir DIR  ikz-werkstatt.env, read by the service (default /etc/ikz-werkstatt)
#   --user NAME       system user the service runs as (default ikz-werkstatt)
#   --no-user         create no user; files stay with whoever runs this (tests, containers)
#   --no-systemd      install no unit and start nothing
set -euo pipefail

prefix=/opt/ikz-werkstatt
data_dir=/var/lib/ikz-werkstatt
config_dir=/etc/ikz-werkstatt
user=ikz-werkstatt
make_user=yes
systemd=auto
unit_dir=/etc/systemd/system

die() { echo "install.sh: $*" >&2; exit 1; }
say() { echo "install.sh: $*"; }

while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix=${2:?--prefix needs a directory}; shift 2 ;;
    --data-dir) data_dir=${2:?--data-dir needs a directory}; shift 2 ;;
    --config-dir) config_dir=${2:?--config-dir needs a directory}; shift 2 ;;
    --user) user=${2:?--user needs a name}; shift 2 ;;
    --no-user) make_user=no; shift ;;
    --no-systemd) systemd=no; shift ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done
case "$prefix$data_dir$config_dir" in *[[:space:]]*) die "paths must not contain spaces" ;; esac
for p in "$prefix" "$data_dir" "$config_dir"; do
  case "$p" in /*) ;; *) die "$p: give absolute paths" ;; esac
done

here=$(cd "$(dirname "$0")" && pwd)
[ -x "$here/ikz-werkstatt" ] && [ -d "$here/site" ] && [ -f "$here/ikz-werkstatt.service" ] \
  || die "run install.sh from the unpacked release archive (ikz-werkstatt, site/ and the unit beside it)"
if [ "$systemd" = auto ]; then
  if [ -d /run/systemd/system ] && command -v systemctl >/dev/null; then systemd=yes; else systemd=no; fi
fi
if [ "$make_user" = yes ] || [ "$systemd" = yes ]; then
  [ "$(id -u)" = 0 ] || die "run as root (or with --no-user --no-systemd into your own directories)"
fi

# 1. The system user (no login, no home of its own).
if [ "$make_user" = yes ]; then
  getent group "$user" >/dev/null || groupadd --system "$user"
  if ! id -u "$user" >/dev/null 2>&1; then
    useradd --system --gid "$user" --home-dir "$data_dir" --no-create-home \
      --shell /usr/sbin/nologin --comment "IKZ-Werkstatt" "$user"
    say "created system user $user"
  fi
fi

# 2. Program and site: copied beside the old ones, then swapped in.
install -d -m 0755 "$prefix"
install -m 0755 "$here/ikz-werkstatt" "$prefix/ikz-werkstatt.new"
rm -rf "$prefix/site.new" "$prefix/site.old"
cp -R "$here/site" "$prefix/site.new"
chmod -R u=rwX,go=rX "$prefix/site.new"
mv -f "$prefix/ikz-werkstatt.new" "$prefix/ikz-werkstatt"
[ -d "$prefix/site" ] && mv "$prefix/site" "$prefix/site.old"
mv "$prefix/site.new" "$prefix/site"
rm -rf "$prefix/site.old"
for f in LICENSE INSTALL.md nginx.conf.example; do
  [ -f "$here/$f" ] && install -m 0644 "$here/$f" "$prefix/$f"
done
say "installed $("$prefix/ikz-werkstatt" --version) into $prefix"

# 3. The data directory: only the service's user may read it.
install -d -m 0750 "$data_dir"
[ "$make_user" = yes ] && chown "$user:$user" "$data_dir"

# 4. The configuration, written once; later runs keep the administrator's edits.
install -d -m 0755 "$config_dir"
env_file="$config_dir/ikz-werkstatt.env"
if [ ! -f "$env_file" ]; then
  cat > "$env_file" <<EOF
# IKZ-Werkstatt settings (see \`$prefix/ikz-werkstatt --help\`). Read by the
# systemd unit; change, then \`systemctl restart ikz-werkstatt\`.
IKZ_LISTEN=127.0.0.1:3000
IKZ_DATA_DIR=$data_dir
# The address participants open (live connections from other origins are refused):
#IKZ_PUBLIC_ORIGIN=https://werkstatt.example.de
# The reverse proxy on this machine, whose X-Forwarded-For is believed:
IKZ_TRUSTED_PROXIES=127.0.0.1,::1
# GET /metrics for Prometheus, with this token as Bearer (at least 16 characters):
#IKZ_METRICS_TOKEN=
#IKZ_RETENTION_DAYS=90
RUST_LOG=info
EOF
  chmod 0640 "$env_file"
  [ "$make_user" = yes ] && chgrp "$user" "$env_file"
  say "wrote $env_file (set IKZ_PUBLIC_ORIGIN there)"
else
  say "kept $env_file"
fi

# 5. The systemd unit, with this installation's paths.
if [ "$systemd" = yes ]; then
  unit="$unit_dir/ikz-werkstatt.service"
  sed -e "s#/opt/ikz-werkstatt#$prefix#g" \
      -e "s#/var/lib/ikz-werkstatt#$data_dir#g" \
      -e "s#/etc/ikz-werkstatt#$config_dir#g" \
      -e "s#^User=.*#User=$user#" -e "s#^Group=.*#Group=$user#" \
      "$here/ikz-werkstatt.service" > "$unit.tmp"
  # StateDirectory= only names directories under /var/lib.
  case "$data_dir" in
    /var/lib/*) sed -i "s#^StateDirectory=.*#StateDirectory=${data_dir#/var/lib/}#" "$unit.tmp" ;;
    *) sed -i '/^StateDirectory=/d' "$unit.tmp" ;;
  esac
  mv "$unit.tmp" "$unit"
  systemctl daemon-reload
  systemctl enable ikz-werkstatt.service >/dev/null
  if systemctl is-active --quiet ikz-werkstatt.service; then
    systemctl restart ikz-werkstatt.service
    say "restarted ikz-werkstatt.service"
  else
    systemctl start ikz-werkstatt.service
    say "enabled and started ikz-werkstatt.service"
  fi
else
  say "no systemd unit installed; start it with:"
  say "  set -a; . $env_file; set +a; $prefix/ikz-werkstatt"
fi
