"""Cancelling an intake under control: a supervisor cancels at once; an
operator's cancellation is a request a supervisor approves or refuses. An
approved cancellation is a reversal, a money event of its own dated when it
was approved, so the fee counts in the day it was taken until then."""
