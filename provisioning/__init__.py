"""Putting the box into service: the systemd unit and install steps (the
serial console and the technician's tool come with their own issue)."""
