"""What a request reads once: a context variable set for the length of a block (see liaison.middleware)."""

from contextlib import contextmanager
from contextvars import ContextVar


@contextmanager
def held(variable: ContextVar, value):
    """`variable` is `value` within the block, and what it was before after it."""
    token = variable.set(value)
    try:
        yield value
    finally:
        variable.reset(token)
