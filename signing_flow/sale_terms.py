"""The sale contract's choices (广东省存量房买卖合同示范文本), declared once: each an enum of its
stored values with the Chinese the contract prints. Labels are the words a party reads in the
document; request models derive their allowed values from the enums (as ``terms`` does for the
guide's own fields)."""

from __future__ import annotations

from enum import StrEnum


class PropertyUse(StrEnum):
    """规划用途, as the registry records it."""

    RESIDENTIAL = "residential"
    COMMERCIAL = "commercial"
    OFFICE = "office"
    INDUSTRIAL = "industrial"
    PARKING = "parking"
    OTHER = "other"


PROPERTY_USE_LABELS: dict[str, str] = {
    PropertyUse.RESIDENTIAL: "住宅",
    PropertyUse.COMMERCIAL: "商业",
    PropertyUse.OFFICE: "办公",
    PropertyUse.INDUSTRIAL: "工业",
    PropertyUse.PARKING: "车位",
    PropertyUse.OTHER: "其他",
}


class PropertyNature(StrEnum):
    """房屋性质."""

    COMMODITY = "commodity"
    HOUSING_REFORM = "housing_reform"
    AFFORDABLE = "affordable"
    SELF_BUILT = "self_built"
    OTHER = "other"


PROPERTY_NATURE_LABELS: dict[str, str] = {
    PropertyNature.COMMODITY: "商品房",
    PropertyNature.HOUSING_REFORM: "房改房",
    PropertyNature.AFFORDABLE: "经济适用住房",
    PropertyNature.SELF_BUILT: "自建房",
    PropertyNature.OTHER: "其他",
}


class TenantNotice(StrEnum):
    """How a leased property's tenant was dealt with (民法典第七百二十六条, 优先购买权)."""

    WAIVED = "waived"  # the tenant waived the pre-emptive right in writing
    NOTIFIED = "notified"  # notified in time; did not say they would buy within 15 days


TENANT_NOTICE_LABELS: dict[str, str] = {
    TenantNotice.WAIVED: "承租人已书面放弃优先购买权",
    TenantNotice.NOTIFIED: ("甲方已于出卖前合理期限内通知承租人，承租人在十五日内未明确表示购买"),
}


class LoanKind(StrEnum):
    COMMERCIAL = "commercial"
    PROVIDENT_FUND = "provident_fund"
    COMBINED = "combined"


LOAN_KIND_LABELS: dict[str, str] = {
    LoanKind.COMMERCIAL: "商业贷款",
    LoanKind.PROVIDENT_FUND: "公积金贷款",
    LoanKind.COMBINED: "组合贷款",
}


class LoanShortfall(StrEnum):
    """What happens if the loan is refused or approved for less (the model's options)."""

    BUYER_PAYS = "buyer_pays"
    TERMINATE = "terminate"
    RENEGOTIATE = "renegotiate"


LOAN_SHORTFALL_LABELS: dict[str, str] = {
    LoanShortfall.BUYER_PAYS: (
        "乙方应于收到银行不予贷款或核减贷款通知之日起十五日内以自有资金补足差额，"
        "逾期未补足的按逾期付款承担违约责任"
    ),
    LoanShortfall.TERMINATE: (
        "任何一方可书面通知解除本合同，双方互不承担违约责任，"
        "甲方应于合同解除之日起十五日内将已收款项（含定金）无息退还乙方"
    ),
    LoanShortfall.RENEGOTIATE: (
        "双方另行协商付款方式；自收到通知之日起三十日内协商不成的，任何一方可解除本合同，"
        "双方互不承担违约责任，甲方无息退还已收款项（含定金）"
    ),
}


class Fee(StrEnum):
    """The taxes and fees of a transfer, in the order the contract lists them."""

    DEED_TAX = "deed_tax"
    VAT = "vat"
    INCOME_TAX = "income_tax"
    STAMP_DUTY = "stamp_duty"
    REGISTRATION_FEE = "registration_fee"
    AGENCY_FEE = "agency_fee"


FEE_LABELS: dict[str, str] = {
    Fee.DEED_TAX: "契税",
    Fee.VAT: "增值税及附加",
    Fee.INCOME_TAX: "个人所得税",
    Fee.STAMP_DUTY: "印花税",
    Fee.REGISTRATION_FEE: "不动产登记费",
    Fee.AGENCY_FEE: "中介服务费",
}


class Bearer(StrEnum):
    BY_LAW = "by_law"
    BUYER = "buyer"
    SELLER = "seller"


BEARER_LABELS: dict[str, str] = {
    Bearer.BY_LAW: "由甲乙双方按国家及地方规定各自承担",
    Bearer.BUYER: "全部由乙方承担",
    Bearer.SELLER: "全部由甲方承担",
}


class DeliveryCondition(StrEnum):
    KEYS = "keys"
    UTILITIES_SETTLED = "utilities_settled"
    PROPERTY_FEES_SETTLED = "property_fees_settled"
    FURNISHINGS_PER_LIST = "furnishings_per_list"


DELIVERY_CONDITION_LABELS: dict[str, str] = {
    DeliveryCondition.KEYS: "甲方将房屋钥匙及门禁卡交付乙方",
    DeliveryCondition.UTILITIES_SETTLED: "甲方结清交付日前的水费、电费、燃气费",
    DeliveryCondition.PROPERTY_FEES_SETTLED: "甲方结清交付日前的物业管理费",
    DeliveryCondition.FURNISHINGS_PER_LIST: "室内现有装修及设施设备按附件清单一并交付",
}


class PenaltyMode(StrEnum):
    DAILY_RATE = "daily_rate"
    FIXED_SUM = "fixed_sum"


PENALTY_MODE_LABELS: dict[str, str] = {
    PenaltyMode.DAILY_RATE: "按日计付违约金",
    PenaltyMode.FIXED_SUM: "一次性支付违约金",
}


class DepositRule(StrEnum):
    """定金罚则, as the parties chose it (民法典第五百八十七条、第五百八十八条)."""

    FORFEIT_OR_DOUBLE = "forfeit_or_double"
    ELECT = "elect"


DEPOSIT_RULE_LABELS: dict[str, str] = {
    DepositRule.FORFEIT_OR_DOUBLE: (
        "给付定金的乙方不履行债务或者履行债务不符合约定，致使不能实现合同目的的，无权请求返还定金；"
        "收受定金的甲方不履行债务或者履行债务不符合约定，致使不能实现合同目的的，应当双倍返还定金"
    ),
    DepositRule.ELECT: (
        "一方违约的，守约方可以选择适用违约金或者定金条款，但二者不得同时主张；"
        "定金不足以弥补损失的，守约方可以请求赔偿超过定金数额的损失"
    ),
}


class DisputeMode(StrEnum):
    ARBITRATION = "arbitration"
    COURT = "court"


DISPUTE_MODE_LABELS: dict[str, str] = {
    DisputeMode.ARBITRATION: "提交中山仲裁委员会仲裁",
    DisputeMode.COURT: "依法向房屋所在地人民法院起诉",
}
