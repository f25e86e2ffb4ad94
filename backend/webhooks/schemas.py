"""Request and response bodies of the webhook endpoints and their delivery log."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field

from backend.fields import Name
from backend.shared_schemas import Body
from signing_flow.events import PublicType
from signing_flow.webhook_models import (
    DELIVERY_LABELS,
    ENDPOINT_LABELS,
    Attempt,
    Delivery,
    DeliveryStatus,
    WebhookEndpoint,
)
from signing_flow.webhook_rules import MAX_URL_LENGTH

Url = Annotated[str, Field(min_length=1, max_length=MAX_URL_LENGTH)]
Description = Annotated[Name, Field(max_length=200)]
EventTypes = Annotated[list[PublicType], Field(max_length=len(PublicType))]
# What the admin is told to do about an endpoint the jobs disabled (its 待办).
DISABLED_TODO = "回调地址连续 3 天发送失败，已停用：请检查接收服务后重新启用"


class EndpointCreate(Body):
    url: Url
    event_types: EventTypes = Field(default_factory=list, description="为空：全部类型")
    description: Description = ""


class EndpointUpdate(Body):
    url: Url | None = None
    event_types: EventTypes | None = None
    description: Description | None = None
    enabled: bool | None = None

    def changes(self) -> dict[str, object]:
        return self.model_dump(exclude_unset=True)


class EndpointOut(BaseModel):
    id: str
    url: str
    description: str
    event_types: list[str]
    status: str
    status_label: str
    created_at: datetime
    failing_since: datetime | None
    disabled_at: datetime | None
    disabled_reason: str | None
    todo: str | None
    old_secret_valid_until: datetime | None

    @classmethod
    def of(cls, e: WebhookEndpoint) -> EndpointOut:
        return cls(
            id=e.id,
            url=e.url,
            description=e.description,
            event_types=e.event_types,
            status=e.status.value,
            status_label=ENDPOINT_LABELS[e.status],
            created_at=e.created_at,
            failing_since=e.failing_since,
            disabled_at=e.disabled_at,
            disabled_reason=e.disabled_reason,
            todo=DISABLED_TODO if e.disabled_for_failing() else None,
            old_secret_valid_until=e.old_secret_until,
        )


class EndpointTodo(BaseModel):
    """An agency admin's 待办 entry: an endpoint the jobs disabled (``GET /api/v1/todo``)."""

    endpoint_id: str
    url: str
    description: str
    disabled_at: datetime | None
    todo: str = DISABLED_TODO

    @classmethod
    def of(cls, e: WebhookEndpoint) -> EndpointTodo:
        return cls(
            endpoint_id=e.id, url=e.url, description=e.description, disabled_at=e.disabled_at
        )


class EndpointCreated(EndpointOut):
    secret: str = Field(description="签名密钥：只显示这一次")


class SecretRolled(BaseModel):
    secret: str = Field(description="新的签名密钥：只显示这一次")
    old_secret_valid_until: datetime


class EndpointList(BaseModel):
    endpoints: list[EndpointOut]


class AttemptOut(BaseModel):
    number: int
    at: datetime
    latency_ms: int
    status_code: int | None
    error: str | None
    response_excerpt: str | None

    @classmethod
    def of(cls, a: Attempt) -> AttemptOut:
        return cls(
            number=a.number,
            at=a.at,
            latency_ms=a.latency_ms,
            status_code=a.status_code,
            error=a.error,
            response_excerpt=a.response_excerpt,
        )


class DeliveryOut(BaseModel):
    id: str
    event_id: str
    event_type: str
    event_cursor: int
    contract_id: str | None
    status: str
    status_label: str
    manual: bool
    created_at: datetime
    next_attempt_at: datetime | None
    delivered_at: datetime | None
    attempt_count: int
    attempts: list[AttemptOut]

    @classmethod
    def of(cls, d: Delivery) -> DeliveryOut:
        return cls(
            id=d.id,
            event_id=d.event_id,
            event_type=d.event_type,
            event_cursor=d.event_seq,
            contract_id=d.contract_id or None,
            status=d.status.value,
            status_label=DELIVERY_LABELS[d.status],
            manual=d.manual,
            created_at=d.created_at,
            next_attempt_at=d.next_attempt_at if d.status is DeliveryStatus.PENDING else None,
            delivered_at=d.delivered_at,
            attempt_count=d.attempt_count,
            attempts=[AttemptOut.of(a) for a in reversed(d.attempts)],
        )


class DeliveryList(BaseModel):
    deliveries: list[DeliveryOut]


class RedeliveryRequest(Body):
    event_id: str = Field(min_length=1, max_length=128)
