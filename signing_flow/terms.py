"""The contract's vocabulary, declared once: each term an enum of its stored values, with its
Chinese label (guide §2.2). The request models derive their allowed values from these enums, the
rules check against them, and the documents and responses print their labels. The label tables
are keyed by the plain value, which is what the models store."""

from __future__ import annotations

from enum import IntEnum, StrEnum

from signing_flow.vocabulary import Channel, OrderPurpose, PartyRole


class IdType(StrEnum):
    RESIDENT_ID = "resident_id"
    HMT_RESIDENCE_PERMIT = "hmt_residence_permit"
    HK_MACAO_PASS = "hk_macao_pass"
    TAIWAN_PASS = "taiwan_pass"
    PASSPORT = "passport"
    FOREIGN_PERMANENT_RESIDENCE = "foreign_permanent_residence"


ID_TYPE_LABELS: dict[str, str] = {
    IdType.RESIDENT_ID: "居民身份证",
    IdType.HMT_RESIDENCE_PERMIT: "港澳台居民居住证",
    IdType.HK_MACAO_PASS: "港澳居民来往内地通行证",
    IdType.TAIWAN_PASS: "台湾居民来往大陆通行证",
    IdType.PASSPORT: "护照",
    IdType.FOREIGN_PERMANENT_RESIDENCE: "外国人永久居留身份证",
}


class CoOwnership(StrEnum):
    JOINT = "joint"
    SHARES = "shares"


CO_OWNERSHIP_LABELS: dict[str, str] = {
    CoOwnership.JOINT: "共同共有",
    CoOwnership.SHARES: "按份共有",
}


class PaymentMethod(StrEnum):
    LUMP_SUM = "lump_sum"
    INSTALLMENT = "installment"
    MORTGAGE = "mortgage"


PAYMENT_METHOD_LABELS: dict[str, str] = {
    PaymentMethod.LUMP_SUM: "一次性付款",
    PaymentMethod.INSTALLMENT: "分期付款",
    PaymentMethod.MORTGAGE: "贷款付款",
}


class Bank(StrEnum):
    """The banks that supervise the purchase money (资金监管)."""

    CCB = "ccb"
    ZSRCB = "zsrcb"


BANK_LABELS: dict[str, str] = {
    Bank.CCB: "中国建设银行（龙存管，线上办理）",
    Bank.ZSRCB: "中山农村商业银行（线下支行办理）",
}
# The supervising bank as the signed contract names it: the labels above tell the agent how
# supervision is set up (online, at a branch), which is no term the parties agree to.
BANK_CONTRACT_NAMES: dict[str, str] = {
    Bank.CCB: "中国建设银行",
    Bank.ZSRCB: "中山农村商业银行",
}


class EvaluationLevel(IntEnum):
    """好差评, five levels."""

    VERY_DISSATISFIED = 1
    DISSATISFIED = 2
    ACCEPTABLE = 3
    SATISFIED = 4
    VERY_SATISFIED = 5


EVALUATION_LABELS: dict[int, str] = {
    EvaluationLevel.VERY_DISSATISFIED: "非常不满意",
    EvaluationLevel.DISSATISFIED: "不满意",
    EvaluationLevel.ACCEPTABLE: "基本满意",
    EvaluationLevel.SATISFIED: "满意",
    EvaluationLevel.VERY_SATISFIED: "非常满意",
}


class Acknowledgement(StrEnum):
    """注意事项: each must be acknowledged before submission."""

    PARTIES_CONSENT = "parties_consent"
    INFORMATION_ACCURATE = "information_accurate"
    DEADLINE_KNOWN = "deadline_known"


ACKNOWLEDGEMENT_TEXTS: dict[str, str] = {
    Acknowledgement.PARTIES_CONSENT: (
        "买卖双方一致同意办理网签备案（未经双方同意擅自办理属违规行为）"
    ),
    Acknowledgement.INFORMATION_ACCURATE: (
        "已按产权证书核对买卖双方及房屋信息，提交后重要信息不可修改"
    ),
    Acknowledgement.DEADLINE_KNOWN: (
        "创建合同的下一个自然日内未完成电子签名或备案的，系统将自动删除该合同"
    ),
}

CHANNEL_LABELS = {Channel.ONLINE: "线上", Channel.OFFLINE: "线下（窗口办理）"}
PARTY_ROLE_LABELS = {PartyRole.SELLER: "甲方（卖方）", PartyRole.BUYER: "乙方（买方）"}
PURPOSE_LABELS = {OrderPurpose.FILING: "网签备案", OrderPurpose.CANCELLATION: "注销网签备案"}
FUND_WAIVED_LABEL = "不监管（签署自愿放弃资金监管共同声明）"


def values(kind: type[StrEnum]) -> list[str]:
    """The stored values, sorted: how a refusal names what is allowed."""
    return sorted(member.value for member in kind)
