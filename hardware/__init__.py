"""The devices the box drives: printers, GSM modem, card readers and GPIO.

Each device kind has one interface, a real backend and a simulator that
speaks the real wire protocol, chosen by configuration. Protocols are pure
functions over a thin transport.
"""
