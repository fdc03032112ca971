"""Polling with a deadline, for the Python-driven tests: no test sleeps for a fixed time to let
something happen; it asks until the thing is there or the deadline passes."""

import time


def wait_until(check, what, deadline_s=90, every_s=0.1):
    """`check()`'s first truthy value, asked every `every_s` until `deadline_s` has passed."""
    deadline = time.time() + deadline_s
    while time.time() < deadline:
        value = check()
        if value:
            return value
        time.sleep(every_s)
    raise AssertionError(f"timed out after {deadline_s} s waiting for {what}")
