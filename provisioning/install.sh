#!/usr/bin/env bash
# Install Pishkhan Edge on a Raspberry Pi (64-bit Raspberry Pi OS / Debian 12)
# from a checkout of this repository: system packages, the service user, a
# virtual environment in /opt/pishkhan-edge, the data folder and the service.
# Run as root: sudo bash provisioning/install.sh
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "install: run as root (sudo)" >&2; exit 1; }

apt-get update -q
apt-get install -y -q python3-venv libraqm0 pcscd libpcsclite-dev swig

id pishkhan >/dev/null 2>&1 || useradd --system --home-dir /var/lib/pishkhan-edge \
    --shell /usr/sbin/nologin pishkhan
for group in dialout lp gpio; do
    getent group "$group" >/dev/null && usermod -aG "$group" pishkhan
done

python3 -m venv /opt/pishkhan-edge/venv
/opt/pishkhan-edge/venv/bin/pip install -q ".[pcsc]"

install -d -o pishkhan -g pishkhan -m 0750 /var/lib/pishkhan-edge
runuser -u pishkhan -- env EDGE_HOME=/var/lib/pishkhan-edge /opt/pishkhan-edge/venv/bin/edge init

install -m 0644 provisioning/systemd/pishkhan-edge.service /etc/systemd/system/
install -m 0644 provisioning/systemd/pishkhan-edge-console.service /etc/systemd/system/
[ -e /etc/default/pishkhan-edge-console ] || echo "CONSOLE_PORT=/dev/serial0" > /etc/default/pishkhan-edge-console
# the console's reboot and set-clock steps, and nothing else, as root
install -m 0440 provisioning/sudoers.d/pishkhan-edge-console /etc/sudoers.d/
visudo -cf /etc/sudoers.d/pishkhan-edge-console >/dev/null

# years on an SD card: a bounded journal written in batches
install -d /etc/systemd/journald.conf.d /etc/systemd/system.conf.d
install -m 0644 provisioning/journald.conf.d/pishkhan-edge.conf /etc/systemd/journald.conf.d/
systemctl restart systemd-journald
# a hung system resets the board: the Pi's hardware watchdog, fed by systemd
# (RuntimeWatchdogSec=14, inside the timer's ~15 s); the dtparam takes effect at the next boot
install -m 0644 provisioning/system.conf.d/pishkhan-edge-watchdog.conf /etc/systemd/system.conf.d/
for config in /boot/firmware/config.txt /boot/config.txt; do
    if [ -f "$config" ]; then
        grep -qx 'dtparam=watchdog=on' "$config" || echo 'dtparam=watchdog=on' >> "$config"
        break
    fi
done
systemctl daemon-reexec
systemctl daemon-reload
systemctl enable --now pishkhan-edge pishkhan-edge-console
echo "install: done. Add accounts with:"
echo "  sudo -u pishkhan EDGE_HOME=/var/lib/pishkhan-edge /opt/pishkhan-edge/venv/bin/edge user add NAME --role supervisor"
