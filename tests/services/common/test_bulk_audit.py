"""Bulk imports write their audit events' text and hashes without the ORM: the text must
decode to what the hook would record, and each hash must be the one ``event_hash`` gives,
or ``db check`` would report the chain broken after every import."""

from __future__ import annotations

import datetime as dt
import json
import uuid

from placement_desk.audit import GENESIS, event_hash
from placement_desk.models.enums import AuditAction
from placement_desk.services.common import bulk


def test_bulk_texts_and_hashes_match_the_audit_trails_own() -> None:
    rows = [{"id": uuid.uuid4(), "name": name, "born": dt.date(2012, 3, 2), "places": n,
             "fee": fee, "active": flag, "notes": None, "share": share, "a_first": first,
             "z_last": last}
            for name, n, fee, flag, share, first, last in (
                ("Zoë's house – Ōtaki", 3, 1234.5, True, 1, None, "50% %s"),
                ("Birch \"Care\" 100%", 0, 1e-7, False, 1.0, "A %d", None),
                ("Plain %s", -4, 2.0, True, True, None, None))]
    columns = {k: [row[k] for row in rows] for k in rows[0] if k != "born"}
    blanks = {"born": dt.date(2012, 3, 2), "odd %": "50%", "gone": None}  # in every row
    texts = bulk._audit_texts(columns, blanks, len(rows))
    for row, text in zip(rows, texts, strict=True):
        # a new record's empty fields are left out, as the hook leaves them out
        assert json.loads(text) == {**{k: (str(v) if isinstance(v, uuid.UUID | dt.date)
                                           else v) for k, v in row.items() if v is not None},
                                    "odd %": "50%"}
        assert text == json.dumps(json.loads(text), sort_keys=True, separators=(",", ":"),
                                  ensure_ascii=False)
    # 1, 1.0 and True are equal as keys, but each keeps its own kind
    assert [json.loads(t)["share"] for t in texts] == [1, 1.0, True]
    assert [type(json.loads(t)["share"]) for t in texts] == [int, float, bool]
    same = {"at": dt.datetime(2026, 3, 31, 9, 30, 1, 5), "user": "asha.patel",
            "action": AuditAction.CREATE, "entity": "provider", "before": None}
    hashes = bulk._chain(GENESIS, same, [f'"{row["id"]}"' for row in rows], texts)
    previous = GENESIS
    for row, text, found in zip(rows, texts, hashes, strict=True):
        previous = event_hash(previous, same["at"], same["user"], same["action"],
                              same["entity"], row["id"], None, json.loads(text))
        assert found == previous


def test_rows_without_a_field_every_row_has_leave_no_stray_comma() -> None:
    columns = {"a": [None, 1, None, "x%s"], "b": [2, None, None, True]}
    texts = bulk._audit_texts(columns, {"c": None}, 4)
    assert texts == ['{"b":2}', '{"a":1}', "{}", '{"a":"x%s","b":true}']


def test_ids_made_in_bulk_are_ordinary_increasing_uuids() -> None:
    made = bulk.SequentialIds()
    ids = [made() for _ in range(1000)]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    for value in ids[:3] + ids[-3:]:
        again = uuid.UUID(str(value))
        assert again == value and hash(again) == hash(value) and again.hex == value.hex
        assert value.version == 7 and value.variant == uuid.RFC_4122
