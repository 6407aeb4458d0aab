"""Checks before a send-out goes: the send-time guard and the pre-flight check.

`run.check_sendout` runs both, stores the result with the send-out, and raises
`ChecksFailed` when it may not go: on any error, or on warnings not confirmed.
Creating a send-out runs it (whichever door it came in by), `distributor sendouts
preflight` runs it again, and the dispatcher will not start a send-out whose
stored result has errors.
"""
