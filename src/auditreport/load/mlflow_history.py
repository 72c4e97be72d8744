"""MLflow registry history, derived by comparing consecutive snapshots.

OSS MLflow keeps no registry history and records no actor: moving an alias overwrites it, tags carry no author or
time. The only honest history is "this changed between snapshot T1 and snapshot T2": each change is stamped with the
two snapshot times, never with a time or an author MLflow did not record.
"""

from __future__ import annotations


def diff_snapshots(before, after) -> list[dict]:
    """Every registry change between two snapshots, stamped with the two snapshot times."""
    t1, v1, a1 = before
    t2, v2, a2 = after
    out = []

    def add(model, version, change, field, old, new):
        out.append({
            "model_name": model, "version": version, "change": change, "field": field,
            "old_value": None if old is None else str(old), "new_value": None if new is None else str(new),
            "observed_after": t1, "observed_before": t2,
        })  # fmt: skip

    for key in sorted(set(v1) | set(v2)):
        model, version = key
        old, new = v1.get(key), v2.get(key)
        if old is None:
            add(model, version, "version_created", None, None, version)
            old = {"current_stage": None, "tags": {}}
        if new is None:
            add(model, version, "version_deleted", None, version, None)
            continue
        if old.get("current_stage") != new.get("current_stage") and not (old.get("current_stage") is None and new.get("current_stage") in (None, "None")):
            add(model, version, "stage_changed", "current_stage", old.get("current_stage"), new.get("current_stage"))
        ot, nt = old.get("tags") or {}, new.get("tags") or {}
        for tag in sorted(set(ot) | set(nt)):
            if tag not in ot:
                add(model, version, "tag_set", tag, None, nt[tag])
            elif tag not in nt:
                add(model, version, "tag_removed", tag, ot[tag], None)
            elif ot[tag] != nt[tag]:
                add(model, version, "tag_changed", tag, ot[tag], nt[tag])
    for model in sorted(set(a1) | set(a2)):
        old, new = a1.get(model, {}), a2.get(model, {})
        for alias in sorted(set(old) | set(new)):
            if alias not in old:
                add(model, int(new[alias]), "alias_set", alias, None, new[alias])
            elif alias not in new:
                add(model, int(old[alias]), "alias_removed", alias, old[alias], None)
            elif old[alias] != new[alias]:
                add(model, int(new[alias]), "alias_moved", alias, old[alias], new[alias])
    return out
