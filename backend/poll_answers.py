"""Agents' last status answers, given again while what they were decided on still holds."""

from __future__ import annotations

from dataclasses import dataclass

from signing_flow.usecases.signing import Basis


@dataclass(frozen=True)
class PollAnswer:
    """An agent's last answer for an order, and what it was decided on."""

    basis: Basis
    etag: str
    body: bytes
