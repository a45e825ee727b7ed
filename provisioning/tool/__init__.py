"""`edge-provision`: the technician's tool on a laptop, talking to a box's
serial console in machine mode."""
