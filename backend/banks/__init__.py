"""Adapters to the banks of fund supervision (``signing_flow.fund_supervision``): the signed
open API (``signing``, ``wire``) and CCB 龙存管's HTTP adapter (``ccb``); docs/bank-api.md."""
