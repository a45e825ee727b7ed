"""The provisioning console on the box's serial line (`edge console`)."""
