"""The setting category of a placement, as `kpi-catalogue.md` defines it (one to one with the provision
rows of the DfE Local SEND Reform Plan data template)."""

from __future__ import annotations

MAINTAINED_FUNDING = frozenset({"MAINTAINED", "ACADEMY"})
INDEPENDENT_FUNDING = frozenset({"INDEPENDENT", "NON_MAINTAINED"})

_SETTING_TO_CATEGORY = {
    "EYP": "EARLY_YEARS",
    "EHE": "EHE",
    "OLA": "EOTAS",
    "UNPLACED": "UNPLACED",
    "NEET": "NOT_IN_EDUCATION",
    "NIEC": "NOT_IN_EDUCATION",
    "NIEO": "NOT_IN_EDUCATION",
}


def setting_category(
    *,
    kind: str | None,
    funding: str | None,
    sen_setting: str | None,
    sen_unit: bool = False,
    resourced_provision: bool = False,
) -> str:
    """SETTING_CATEGORY of a placement from its establishment's kind and funding, or its sen_setting."""
    if sen_setting is not None:
        return _SETTING_TO_CATEGORY.get(sen_setting, "OTHER")
    if kind == "EY_PVI":
        return "EARLY_YEARS"
    if kind in ("SPECIAL", "MAINSTREAM") and funding in INDEPENDENT_FUNDING:
        return "INMSS"
    if kind == "MAINSTREAM" and funding in MAINTAINED_FUNDING:
        return "MAINSTREAM_BASE" if (sen_unit or resourced_provision) else "MAINSTREAM"
    if kind == "SPECIAL" and funding in MAINTAINED_FUNDING:
        return "MAINTAINED_SPECIAL"
    if kind == "AP":
        return "AP"
    if kind == "FE":
        return "POST16_MAINSTREAM"
    if kind == "SPECIALIST_POST16":
        return "POST16_SPECIALIST"
    return "OTHER"
