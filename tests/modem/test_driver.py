"""The driver against the simulator on a real pty pair, fault by fault."""

from __future__ import annotations

import pytest

from hardware.modem import at
from hardware.modem.driver import Modem, ModemState, PortError
from hardware.modem.simulator import ModemSimulator


def modem_for(sim: ModemSimulator, **options) -> Modem:
    options.setdefault("command_timeout", 1.0)
    options.setdefault("send_timeout", 2.0)
    return Modem(sim.port, **options)


def test_start_reads_signal_operator_and_time(sim):
    modem = modem_for(sim)
    try:
        assert modem.start() is ModemState.READY
        assert modem.info.operator == "IR-MCI"
        assert modem.info.signal.bars == 4 and modem.info.signal.dbm == -71
        assert modem.info.delivery_reports
        assert modem.network_time() is not None
        # echo was switched off first, errors as codes second
        assert sim.commands[:3] == ["AT", "ATE0", "AT+CMEE=1"]
        assert "AT+CTZU=1" in sim.commands and "AT+CMGF=0" in sim.commands
    finally:
        modem.close()


def test_send_sms_in_parts(sim):
    modem = modem_for(sim)
    try:
        modem.start()
        text = "کد رهگیری شما K7Q2-MX04-F7 است. " * 4
        references = modem.send_sms("+989121234567", text, reference=9)
        assert references == [0, 1]
        assert "".join(sent.text for sent in sim.sent) == text
        assert [sent.concat.sequence for sent in sim.sent] == [1, 2]
        assert all(sent.status_report for sent in sim.sent)
    finally:
        modem.close()


@pytest.mark.parametrize("fault, expected", [
    ("no_sim", ModemState.NO_SIM),
    ("pin", ModemState.NEEDS_PIN),
    ("puk", ModemState.NEEDS_PUK),
    ("no_signal", ModemState.SEARCHING),
])
def test_sim_and_network_faults(sim, fault, expected):
    sim.set_fault(fault)
    modem = modem_for(sim)
    try:
        assert modem.start() is expected
    finally:
        modem.close()


def test_pin_is_entered(sim):
    sim.set_fault("pin", pin="4321")
    modem = modem_for(sim, pin="4321")
    try:
        assert modem.start() is ModemState.READY
        assert 'AT+CPIN="4321"' in sim.commands
    finally:
        modem.close()


def test_a_wrong_pin_is_never_tried_twice(sim):
    sim.set_fault("pin", pin="4321")
    modem = modem_for(sim, pin="0000")
    try:
        assert modem.start() is ModemState.WRONG_PIN
        assert modem.start() is ModemState.WRONG_PIN
        assert sim.commands.count('AT+CPIN="0000"') == 1
    finally:
        modem.close()


def test_no_signal_send_fails_in_words(sim):
    sim.set_fault("no_signal")
    modem = modem_for(sim)
    try:
        modem.start()
        with pytest.raises(at.ModemError) as caught:
            modem.send_sms("+989121234567", "salam")
        assert caught.value.code == "cms_331"
        assert caught.value.message == "no network service"
    finally:
        modem.close()


def test_cms_error_and_the_modem_stays_usable(sim):
    modem = modem_for(sim)
    try:
        modem.start()
        sim.set_fault("cms", code=38, times=1)
        with pytest.raises(at.ModemError) as caught:
            modem.send_sms("+989121234567", "salam")
        assert caught.value.message_fa == "شبکه از کار افتاده است"
        assert modem.send_sms("+989121234567", "salam") == [0]
    finally:
        modem.close()


def test_silence_times_out_then_recovery_reopens(sim):
    modem = modem_for(sim, command_timeout=0.3)
    try:
        modem.start()
        sim.set_fault("silence")
        with pytest.raises(at.ModemTimeout):
            modem.refresh()
        assert modem.recover() is ModemState.NOT_RESPONDING
        sim.clear_fault()
        assert modem.recover() is ModemState.READY
    finally:
        modem.close()


def test_garbage_is_not_mistaken_for_an_answer(sim):
    sim.set_fault("garbage")
    modem = modem_for(sim, command_timeout=0.3)
    try:
        with pytest.raises(at.ModemError) as caught:
            modem.start()
        assert caught.value.code == "baudrate"   # noise at every speed: the wiring, not the modem
        assert "115200, 9600, 57600, 38400, 19200, 4800 baud" in caught.value.message
        assert "سیم‌کشی" in caught.value.message_fa
        assert modem.info.baudrate is None and modem.state is not ModemState.READY
    finally:
        modem.close()


def test_noisy_modem_still_works(sim):
    sim.set_fault("noisy")
    modem = modem_for(sim)
    try:
        assert modem.start() is ModemState.READY
        assert modem.send_sms("+989121234567", "salam") == [0]
        assert sim.sent[0].text == "salam"
    finally:
        modem.close()


def test_received_sms_is_read_and_deleted(sim):
    modem = modem_for(sim)
    try:
        modem.start()
        [index] = sim.receive_sms("+989351112233", "سلام، پیگیری درخواست")
        modem.poll(0.3)
        urcs = [urc.line for urc in modem.take_urcs()]
        assert f'+CMTI: "SM",{index}' in urcs
        message = modem.read_message(index)
        assert message.text == "سلام، پیگیری درخواست" and message.sender == "+989351112233"
        modem.delete_message(index)
        assert sim.stored_indexes() == []
    finally:
        modem.close()


def test_missing_port_is_a_port_error():
    modem = Modem("/dev/pishkhan-no-such-modem")
    with pytest.raises(PortError) as caught:
        modem.start()
    assert "/dev/pishkhan-no-such-modem" in caught.value.message


def test_exact_bytes_of_sending_one_persian_sms(sim):
    modem = modem_for(sim)
    try:
        modem.start()
        del sim.received[:]
        assert modem.send_sms("+989121234567", "سلام", status_report=False) == [0]
        assert bytes(sim.received) == (b"AT+CMGS=22\r"
                                       b"0011000C918919123254760008AA080633064406270645\x1a")
    finally:
        modem.close()


def test_exact_bytes_of_start_up(sim):
    modem = modem_for(sim)
    try:
        modem.start()
        assert bytes(sim.received).split(b"\r")[:8] == [
            b"AT", b"ATE0", b"AT+CMEE=1", b"AT+CPIN?", b"AT+CMGF=0", b"AT+CTZU=1", b"AT+CREG=0",
            b"AT+CNMI=2,1,0,1,0"]
    finally:
        modem.close()


def test_reset_reboots_and_starts_again(sim):
    modem = modem_for(sim)
    try:
        modem.start()
        assert modem.reset() is ModemState.READY
        assert "AT+CFUN=1,1" in sim.commands
        # the rebooted modem had echo on again; start-up switched it off again
        assert sim.commands[sim.commands.index("AT+CFUN=1,1") + 1:][:2] == ["AT", "ATE0"]
    finally:
        modem.close()


def test_modem_behind_a_tcp_serial_server(sim):
    """socket:// (a modem shared by ser2net): the same driver over TCP."""
    import os
    import socket
    import threading

    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]
    device = os.open(sim.port, os.O_RDWR | os.O_NOCTTY)
    stop = threading.Event()

    def relay():
        connection, _ = server.accept()
        connection.settimeout(0.05)
        os.set_blocking(device, False)
        while not stop.is_set():
            try:
                data = connection.recv(4096)
                if not data:
                    break
                os.write(device, data)
            except (socket.timeout, TimeoutError):
                pass
            try:
                connection.sendall(os.read(device, 4096))
            except BlockingIOError:
                pass
        connection.close()

    thread = threading.Thread(target=relay, daemon=True)
    thread.start()
    modem = Modem(f"socket://127.0.0.1:{port}", command_timeout=1.0)
    try:
        assert modem.start() is ModemState.READY
        assert modem.send_sms("+989121234567", "over tcp") == [0]
    finally:
        modem.close()
        stop.set()
        thread.join(timeout=2)
        server.close()
        os.close(device)
