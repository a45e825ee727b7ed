"""What a decoder raises for bytes that are not a valid message."""


class ProtocolError(ValueError):
    """Bytes that are not a valid message; the text says what is wrong."""


class SealError(ProtocolError):
    """A sealed record that cannot be opened with this key and binding."""


class SignatureError(ProtocolError):
    """A signature that does not verify."""
