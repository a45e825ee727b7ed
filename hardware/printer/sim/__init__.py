"""The simulated receipt printer, for the demo, the tests and `sim://`:
`device` (the printer: parses ESC/POS, answers DLE EOT, keeps what it
printed), `preview` (the receipt drawn as a PNG), `servers` (the printer
behind a pty or on a TCP port) and `parser` (the ESC/POS stream parser only
the simulator needs: the box writes ESC/POS, never reads it)."""
