"""Import and export of the estate registry as .xlsx (property staff live in Excel).

An import runs in two phases. *Validating* (validate.py) reads the file row by row, checks every
row and the rows against each other (co-owners, one owner across units), and commits its progress
as it goes so that pollers see it. *Saving* (save.py) then writes everything set-based in one
transaction together with one audit event. A file with any bad row, a failure or a killed process
therefore leaves nothing behind, and importing the same file again finishes the job: an import
updates what already exists.

- columns.py: the file format (sheet, columns, labels of the choices);
- parse.py: reading the workbook and its cells, also for the other apps' .xlsx imports;
- validate.py, save.py: the two phases;
- jobs.py: the import from start to finish, and its background job;
- template.py, export.py: the blank template and the registry export."""

from .columns import (
    AREA,
    BILLING_START,
    BUILDING,
    EXCLUSIVE,
    FLOOR,
    ID_NUMBER,
    LOW_INCOME,
    NUMBER,
    OCCUPANTS,
    OWNER,
    OWNER_KIND,
    PHONE,
    REQUIRED_COLUMNS,
    STATUS,
    UNIT_COLUMNS,
    UNITS_SHEET,
    USAGE,
    XLSX_CONTENT_TYPE,
    ZONE,
)
from .export import registry_export
from .jobs import (
    import_job_create,
    import_job_run,
    import_jobs_requeue_interrupted,
    registry_import,
)
from .parse import ImportRejected, cell_text, open_sheet, read_bytes
from .template import registry_template

__all__ = [
    "AREA", "BILLING_START", "BUILDING", "EXCLUSIVE", "FLOOR", "ID_NUMBER", "LOW_INCOME", "NUMBER", "OCCUPANTS",
    "OWNER", "OWNER_KIND", "PHONE", "REQUIRED_COLUMNS", "STATUS", "UNIT_COLUMNS", "UNITS_SHEET", "USAGE",
    "XLSX_CONTENT_TYPE", "ZONE",
    "ImportRejected", "cell_text", "open_sheet", "read_bytes",
    "registry_import", "import_job_create", "import_job_run", "import_jobs_requeue_interrupted",
    "registry_template", "registry_export",
]
