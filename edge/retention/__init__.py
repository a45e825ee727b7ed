"""Retention (issue 11, item 5): the citizen's personal fields stay on the box
only while the office needs them. Once the centre holds every event of a
finished intake and the intake is `retention.days` old, its national code,
name, mobile, service fields and confidential ciphertext are purged; its
counts, fee, tracking code and the audit chain remain."""
