"""Stage "check metadata": datasets and agencies against the data.go.th profile.

Per manifest: required fields (the 14 mandatory items), values, choices, *_other rules,
type-specific fields, cross-field rules. Across the catalog: unique ``name`` and ``title``
(data.go.th enforces both), every dataset has an agency, agency parents exist.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from catalog import findings as F
from catalog.checks.fields import BE_YEAR_MIN, Where, check_mapping
from catalog.findings import Finding
from catalog.manifest import AGENCY_FILE, Agency, Catalog, Dataset, display_path
from catalog.profile import Profile


def check_catalog(catalog: Catalog, profile: Profile) -> list[Finding]:
    found: list[Finding] = []
    for agency in catalog.agencies.values():
        found.extend(check_agency(agency, profile))
    found.extend(_agency_rules(catalog))
    for dataset in catalog.datasets:
        found.extend(check_dataset(dataset, profile))
    found.extend(_unique(catalog, "name"))
    found.extend(_unique(catalog, "title"))
    return found


def check_agency(agency: Agency, profile: Profile) -> list[Finding]:
    if not agency.doc.ok or not isinstance(agency.doc.data, dict):
        return []
    where = Where(file=agency.file, line=lambda k: agency.doc.line(k))
    agency.metadata, found = check_mapping(agency.raw, profile.agency_fields, profile, where,
                                           data_type_en=None)
    name = agency.metadata.get("name")
    if name and name != agency.folder.name:
        found.append(F.warning("AGENCY_FOLDER_MISMATCH", **where.at("name"), name=name,
                               folder=agency.folder.name))
    return found


def _agency_rules(catalog: Catalog) -> list[Finding]:
    found = []
    names = {a.name for a in catalog.agencies.values()}
    siblings = {p.parent.name for p in catalog.root.glob(f"*/{AGENCY_FILE}")}
    for agency in catalog.agencies.values():
        parent = agency.metadata.get("parent")
        if parent and parent not in names and parent not in siblings:
            found.append(F.error("AGENCY_PARENT_UNKNOWN", file=agency.file, line=agency.doc.line("parent"),
                                 parent=parent, stage="metadata"))
        if parent and parent == agency.name:
            found.append(F.error("AGENCY_PARENT_SELF", file=agency.file, line=agency.doc.line("parent"),
                                 stage="metadata"))
    return found


def check_dataset(dataset: Dataset, profile: Profile) -> list[Finding]:
    if not dataset.doc.ok or not isinstance(dataset.doc.data, dict):
        return []
    where = Where(file=dataset.file, line=lambda k: dataset.line(k), dataset=dataset.name)
    raw = dataset.raw
    data_type = profile.vocabularies["data_type"].resolve(raw.get("data_type"))
    dataset.metadata, found = check_mapping(
        raw, profile.dataset_fields, profile, where,
        data_type_en=data_type.en if data_type else None,
        extra_keys=set(profile.manifest_keys),
    )
    if dataset.agency is None:
        found.append(F.error("AGENCY_MISSING", file=dataset.file, line=1, dataset=dataset.name,
                             folder=display_path(dataset.folder.parent), stage="metadata"))
    found.extend(_cross_field(dataset, profile, where))
    return found


def _cross_field(dataset: Dataset, profile: Profile, where: Where) -> list[Finding]:
    meta = dataset.metadata
    found: list[Finding] = []
    category, classification = meta.get("data_category"), meta.get("data_classification")
    allowed = profile.category_classification.get(category or "", [])
    if category and classification and allowed and classification not in allowed:
        found.append(F.error("CLASSIFICATION_MISMATCH", **where.at("data_classification"),
                             category=category, classification=classification, allowed=allowed))
    interval = meta.get("update_frequency_interval")
    if interval is not None and float(interval) <= 0:
        found.append(F.error("INTERVAL_NOT_POSITIVE", **where.at("update_frequency_interval"),
                             value=interval))
    found.extend(_ordered(meta, where, "created_date", "last_updated_date", _date))
    found.extend(_ordered(meta, where, "first_year_of_data", "last_year_of_data", int))
    found.extend(_ordered(meta, where, "west_bound_longitude", "east_bound_longitude", float))
    found.extend(_ordered(meta, where, "south_bound_longitude", "north_bound_longitude", float))
    for key in ("last_updated_date", "created_date"):
        value = _date(meta.get(key))
        if value and value.year < BE_YEAR_MIN and value > dt.date.today() + dt.timedelta(days=1):
            found.append(F.warning("DATE_IN_FUTURE", **where.at(key), field_name=key, value=meta[key]))
    return found


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _ordered(meta: dict, where: Where, low_key: str, high_key: str, conv) -> list[Finding]:
    try:
        low, high = conv(meta[low_key]), conv(meta[high_key])
    except (KeyError, TypeError, ValueError):
        return []
    if low is None or high is None or low <= high:
        return []
    return [F.error("FIELDS_OUT_OF_ORDER", **where.at(high_key), low_field=low_key,
                    high_field=high_key, low=meta[low_key], high=meta[high_key])]


def _unique(catalog: Catalog, key: str) -> list[Finding]:
    """data.go.th refuses a second dataset with the same URL name or title."""
    first: dict[str, Dataset] = {}
    found = []
    for dataset in catalog.datasets:
        value = dataset.metadata.get(key)
        if not value:
            continue
        norm = value.strip().casefold()
        if norm in first:
            other = first[norm]
            found.append(F.error(f"DUPLICATE_{key.upper()}", file=dataset.file, line=dataset.line(key),
                                 dataset=dataset.name, value=value, other_file=other.file,
                                 other_line=other.line(key), stage="metadata"))
        else:
            first[norm] = dataset
    return found
