"""Use cases: buy a number (by area code or exact number), update, release, list; accounts.

Each use case is a plain function that owns its transaction.
"""
