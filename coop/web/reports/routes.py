"""Every reports route, grouped by who may use it: each group says so once."""

from __future__ import annotations

from litestar import Router

from coop.web.auth import ANYONE, allow
from coop.web.reports import agm, agm_renders, care_reports, checkpoints, record

# Anyone at all: the log's signed checkpoints and the key that checks them.
_anyone = Router(
    path="/",
    opt=allow(ANYONE),
    route_handlers=[
        checkpoints.checkpoints_page,
        checkpoints.checkpoint_file,
        checkpoints.public_key_file,
    ],
)

# The office and the board: the care reports (never the notes themselves).
_care_office = Router(
    path="/",
    opt=allow("coordinator", "trustee", "secretary"),
    route_handlers=[
        care_reports.care_report,
        care_reports.care_report_csv,
        care_reports.notes_read_log,
        care_reports.notes_read_log_csv,
    ],
)

# Members see how every decision was reached; trustees and auditors read it too.
_record_readers = Router(
    path="/",
    opt=allow("member", "trustee", "secretary", "auditor"),
    route_handlers=[
        record.record_page,
        record.record_csv,
        record.record_json,
        record.record_proof,
    ],
)

# The AGM pack: the trustees build it; the auditor reads it as they do.
_pack_readers = Router(
    path="/",
    opt=allow("trustee", "secretary", "auditor"),
    route_handlers=[agm.agm_page, agm.agm_download, agm_renders.ask_for_agm_pdf],
)
_pack_builders = Router(
    path="/", opt=allow("trustee", "secretary"), route_handlers=[agm.sign_agm_pack]
)

# The reports context's routes, for ``create_app``.
router = Router(
    path="/",
    route_handlers=[_anyone, _care_office, _record_readers, _pack_readers, _pack_builders],
)
