"""`python -m bench`: the performance targets of DESIGN §10, each measured beside its floor.

See docs/performance.md for what is measured, how, and the latest results.
"""
