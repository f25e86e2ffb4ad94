"""The states of each aggregate and the actions that move them, with their Chinese labels
(the guide's words, shown next to every status as ``<field>_label``). Declared once here; the
transition tables (``states``) and the response models derive from them.

Actions are ``str`` enums: their values are what the audit trail stores and what the API lists
in ``allowed_actions``, so a member compares equal to its stored string.
"""

from __future__ import annotations

from enum import StrEnum


class ContractStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    SIGNING = "signing"
    SIGNED = "signed"
    FILED = "filed"
    WINDOW_REVIEW = "window_review"
    CANCELLING = "cancelling"
    CANCELLED = "cancelled"
    DELETED = "deleted"


CONTRACT_LABELS: dict[ContractStatus, str] = {
    ContractStatus.DRAFT: "草稿",
    ContractStatus.SUBMITTED: "已提交",
    ContractStatus.SIGNING: "电子签名中",
    ContractStatus.SIGNED: "已完成签字",
    ContractStatus.FILED: "已签约",
    ContractStatus.WINDOW_REVIEW: "窗口审核中",
    ContractStatus.CANCELLING: "注销中",
    ContractStatus.CANCELLED: "已注销",
    ContractStatus.DELETED: "已删除",
}


class ContractAction(StrEnum):
    # taken by the practitioner who drafted the contract
    EDIT = "edit"
    SUBMIT = "submit"
    DELETE = "delete"
    CREATE_ORDER = "create_order"  # 生成电子合同订单 (filing; a cancellation order keeps 注销中)
    FILE = "file"  # submitting the completed filing order
    REQUEST_CANCELLATION = "request_cancellation"  # 存量房合同注销线上
    CANCEL = "cancel"  # submitting the completed cancellation order
    # taken by center staff at the window
    WINDOW_INTAKE = "window_intake"  # the filing case goes to review
    APPROVE = "approve"
    REJECT = "reject"
    WINDOW_CANCEL = "window_cancel"  # a cancellation case approved
    # what happens to the contract: its order ended or completed, its deadline passed
    ORDER_CANCELLED = "order_cancelled"
    ORDER_EXPIRED = "order_expired"
    ORDER_FAILED = "order_failed"
    ALL_SIGNED = "all_signed"
    PURGE = "purge"


class Channel(StrEnum):
    ONLINE = "online"  # 存量房合同签订线上
    OFFLINE = "offline"  # 存量房合同签订线下 (window)


class PartyRole(StrEnum):
    SELLER = "seller"  # 甲方
    BUYER = "buyer"  # 乙方


class TransferStatus(StrEnum):
    NONE = "none"
    ACCEPTED = "accepted"  # 不动产已受理
    TRANSFERRED = "transferred"  # 已过户


class OrderStatus(StrEnum):
    AWAITING_SIGNATURES = "awaiting_signatures"
    COMPLETED = "completed"
    SUBMITTED = "submitted"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    DECLINED = "declined"
    FAILED = "failed"


ORDER_LABELS: dict[OrderStatus, str] = {
    OrderStatus.AWAITING_SIGNATURES: "已创建订单，待签字",
    OrderStatus.COMPLETED: "订单已经完成签字",
    OrderStatus.SUBMITTED: "已提交",
    OrderStatus.CANCELLED: "已注销电子合同订单",
    OrderStatus.EXPIRED: "订单已过期",
    OrderStatus.DECLINED: "当事人拒绝签署",
    OrderStatus.FAILED: "认证失败次数过多，订单失效",
}


class OrderAction(StrEnum):
    CANCEL = "cancel"  # the agent's: 注销电子合同订单
    SUBMIT = "submit"  # the agent's: 提交 once complete
    ALL_SIGNED = "all_signed"
    EXPIRE = "expire"
    DECLINE = "decline"
    LOCK_OUT = "lock_out"


class OrderPurpose(StrEnum):
    FILING = "filing"  # 网签备案
    CANCELLATION = "cancellation"  # 存量房合同注销


class PartyStep(StrEnum):
    PENDING = "pending"
    OPENED = "opened"
    REVIEWED = "reviewed"
    CONFIRMED = "confirmed"
    IDENTITY_VERIFIED = "identity_verified"
    SIGNED = "signed"
    DECLINED = "declined"
    LOCKED = "locked"


PARTY_LABELS: dict[PartyStep, str] = {
    PartyStep.PENDING: "待扫码",
    PartyStep.OPENED: "已扫码",
    PartyStep.REVIEWED: "已查阅文件",
    PartyStep.CONFIRMED: "已确定签署",
    PartyStep.IDENTITY_VERIFIED: "微警认证通过",
    PartyStep.SIGNED: "人脸识别通过，已授权",
    PartyStep.DECLINED: "已拒绝签署",
    PartyStep.LOCKED: "认证失败次数过多，已锁定",
}


class PartyAction(StrEnum):
    OPEN = "open"
    REVIEW = "review"
    CONFIRM = "confirm"
    POLICE_VERIFICATION = "police_verification"
    AUTHORIZE = "authorize"
    DECLINE = "decline"
    LOCK_OUT = "lock_out"


class WindowDocument(StrEnum):
    """What staff upload for one party at the window (guide §3.2 (六), §5)."""

    PHOTO = "photo"  # 现场照片采集 (cancellation)
    POWER_OF_ATTORNEY = "power_of_attorney"  # 经公证的委托书
    MINOR_GUARANTEE = "minor_guarantee"  # 未成年人保证书
    KINSHIP_PROOF = "kinship_proof"  # 户口本或出生证明


class AgencyStatus(StrEnum):
    """The agency's enterprise information check (中介服务机构信息核查)."""

    INCOMPLETE = "incomplete"  # 待完善企业信息: opened by staff, the admin fills the information
    SUBMITTED = "submitted"  # 已提交，待审核
    APPROVED = "approved"  # 审核通过: the admin may add practitioners
    REJECTED = "rejected"  # 审核不通过: the admin corrects and submits again


AGENCY_LABELS: dict[AgencyStatus, str] = {
    AgencyStatus.INCOMPLETE: "待完善企业信息",
    AgencyStatus.SUBMITTED: "已提交，待审核",
    AgencyStatus.APPROVED: "审核通过",
    AgencyStatus.REJECTED: "审核不通过",
}


class AgencyAction(StrEnum):
    EDIT = "edit"  # the information or the materials
    SUBMIT = "submit"
    APPROVE = "approve"
    REJECT = "reject"


class PractitionerStatus(StrEnum):
    DRAFT = "draft"  # 待提交
    SUBMITTED = "submitted"  # 已提交，待审核
    APPROVED = "approved"  # 审核通过: has a net-sign login
    REJECTED = "rejected"  # 审核不通过
    REMOVED = "removed"  # 已注销: the person may join another agency


PRACTITIONER_LABELS: dict[PractitionerStatus, str] = {
    PractitionerStatus.DRAFT: "待提交",
    PractitionerStatus.SUBMITTED: "已提交，待审核",
    PractitionerStatus.APPROVED: "审核通过",
    PractitionerStatus.REJECTED: "审核不通过",
    PractitionerStatus.REMOVED: "已注销",
}


class PractitionerAction(StrEnum):
    EDIT = "edit"
    SUBMIT = "submit"
    APPROVE = "approve"
    REJECT = "reject"
    REMOVE = "remove"
    # these keep the status: they change the practitioner's account, not this record
    DISABLE = "disable"
    ENABLE = "enable"
    RESET_PASSWORD = "reset_password"


class SupervisionStatus(StrEnum):
    """资金监管协议 with a bank: an online application (建设银行 龙存管) or an agreement signed
    at a branch (农商行) and recorded afterwards."""

    PENDING = "pending"  # the parties have not all confirmed at the bank
    SIGNED = "signed"
    REJECTED = "rejected"  # the bank sent it back, with a reason
    CANCELLED = "cancelled"  # cancelled at the bank (before the bank or the choice changes)
    EXPIRED = "expired"  # the contract's deadline passed before the agreement was signed


SUPERVISION_LABELS: dict[SupervisionStatus, str] = {
    SupervisionStatus.PENDING: "待签监管协议",
    SupervisionStatus.SIGNED: "已签监管协议",
    SupervisionStatus.REJECTED: "银行退回",
    SupervisionStatus.CANCELLED: "已取消",
    SupervisionStatus.EXPIRED: "已过期",
}


class SupervisionAction(StrEnum):
    SIGN = "sign"  # the bank reports the agreement signed
    REJECT = "reject"  # the bank sends the application back
    CANCEL = "cancel"  # cancelled at the bank (its notice, or the platform's request)
    EXPIRE = "expire"  # the status job gave up at the contract's deadline
