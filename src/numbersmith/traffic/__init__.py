"""Inbound traffic: messages and calls reaching a number are delivered to its URLs, signed, and
the LaML that comes back is run.

A bounded context beside provisioning, with the same floors: ``laml`` and ``interpreter`` are
pure (a document and the caller's script in, steps and the next request out), ``signing`` and
``delivery`` are the adapter that speaks HTTP, and ``simulation`` holds the use cases.
"""
