"""The form's choices, rendered from the vocabulary's labels (declared once, in signing_flow):
the console shows the words the contract prints and sends the values the API takes."""

from __future__ import annotations

import html
from collections.abc import Mapping

from signing_flow import sale_terms as st
from signing_flow import terms as t
from signing_flow.vocabulary import CONTRACT_LABELS


def options(labels: Mapping[str, str], blank: str = "请选择") -> str:
    rows = [f'<option value="">{html.escape(blank)}</option>'] if blank else []
    rows += [
        f'<option value="{html.escape(str(v))}">{html.escape(label)}</option>'
        for v, label in labels.items()
    ]
    return "".join(rows)


def checkboxes(path: str, labels: Mapping[str, str]) -> str:
    """One labelled box per value of a list of choices (``data-kind="set"``)."""
    return "".join(
        f'<label class="check"><input type="checkbox" data-path="{path}" data-kind="set" '
        f'value="{html.escape(str(v))}"> {html.escape(label)}</label>'
        for v, label in labels.items()
    )


def taxes() -> str:
    """One select per tax or fee: who bears it."""
    return "".join(
        f'<label>{html.escape(fee_label)}<select data-path="taxes.{fee}" data-kind="choice">'
        f"{options(st.BEARER_LABELS)}</select></label>"
        for fee, fee_label in st.FEE_LABELS.items()
    )


def acknowledgements() -> str:
    return "".join(
        f'<label class="check"><input type="checkbox" data-path="acknowledgements.{key}" '
        f'data-kind="bool"> {html.escape(text)}</label>'
        for key, text in t.ACKNOWLEDGEMENT_TEXTS.items()
    )


def evaluation_levels() -> str:
    return options({str(level): label for level, label in t.EVALUATION_LABELS.items()})


def template_values() -> dict[str, str]:
    statuses = {str(s): label for s, label in CONTRACT_LABELS.items() if s != "deleted"}
    return {
        "status_options": options(statuses, blank="全部状态"),
        "id_type_options": options({str(k): v for k, v in t.ID_TYPE_LABELS.items()}),
        "co_ownership_options": options({str(k): v for k, v in t.CO_OWNERSHIP_LABELS.items()}),
        "payment_method_options": options({str(k): v for k, v in t.PAYMENT_METHOD_LABELS.items()}),
        "evaluation_options": evaluation_levels(),
        "use_options": options(st.PROPERTY_USE_LABELS),
        "nature_options": options(st.PROPERTY_NATURE_LABELS),
        "tenant_notice_options": options(st.TENANT_NOTICE_LABELS),
        "loan_kind_options": options(st.LOAN_KIND_LABELS),
        "loan_shortfall_options": options(st.LOAN_SHORTFALL_LABELS),
        "penalty_mode_options": options(st.PENALTY_MODE_LABELS),
        "deposit_rule_options": options(st.DEPOSIT_RULE_LABELS),
        "dispute_options": options(st.DISPUTE_MODE_LABELS),
        "delivery_conditions": checkboxes(
            "transfer.delivery_conditions", st.DELIVERY_CONDITION_LABELS
        ),
        "taxes": taxes(),
        "acknowledgements": acknowledgements(),
        "bank_ccb": html.escape(t.BANK_LABELS["ccb"]),
        "bank_zsrcb": html.escape(t.BANK_LABELS["zsrcb"]),
    }
