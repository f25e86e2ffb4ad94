"""``wangqian simulate --events``: the events the run caused, read from the feed as its agent
reads them (``GET /api/v1/events``, docs/events.md)."""

from __future__ import annotations

from miniapp_mock.run import Run

PAGE = 500
SETTLE_SECONDS = 2  # the last step's event is in the feed within milliseconds; this is room


async def feed_end(run: Run) -> int:
    """The cursor after every event the agent can read now: where the run's events start."""
    cursor = 0
    while True:
        page = await run.agent.call("GET", f"/api/v1/events?after={cursor}&limit={PAGE}")
        cursor = int(page["next_cursor"])
        if not page["has_more"]:
            return cursor


async def say_events(run: Run, cursor: int) -> None:
    """Each of the run's contract's events after ``cursor``, in the feed's order."""
    run.say("")
    run.say("事件流 (the events this run caused, GET /api/v1/events):")
    while True:
        path = f"/api/v1/events?after={cursor}&limit={PAGE}&wait={SETTLE_SECONDS}"
        page = await run.agent.call("GET", path)
        if not page["events"]:
            return
        cursor = int(page["next_cursor"])
        for event in page["events"]:
            if event["contract_id"] != run.result.contract_id:
                continue
            where = " ".join(
                f"{name}={event[name]}" for name in ("order_id", "party_id") if event[name]
            )
            run.say(
                f"  #{event['cursor']:<5} {event['type']:<24} {event['type_label']}"
                f"  {where} v{event['version']}".rstrip()
            )
